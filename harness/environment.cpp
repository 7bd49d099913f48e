#include "harness/environment.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "harness/atomics_build.hpp"
#include "harness/build_info.hpp"
#include "harness/cpu_model.hpp"
#include "harness/topology.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace contend {

const char* BuildInfo::version() {
    return CONTEND_VERSION;
}
const char* BuildInfo::build_type() {
    return CONTEND_BUILD_TYPE;
}
const char* BuildInfo::compiler() {
    return CONTEND_COMPILER;
}
const char* BuildInfo::cxx_flags() {
    return CONTEND_CXX_FLAGS;
}
const char* BuildInfo::sanitizer() {
    return CONTEND_SANITIZER;
}
const char* BuildInfo::peer_libraries() {
    return CONTEND_PEER_LIBRARIES;
}

namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    if (f) std::getline(f, line);
    return line;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::ostringstream text;
    text << f.rdbuf();
    return text.str();
}

nlohmann::json governor() {
    auto g = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    return g.empty() ? nlohmann::json(nullptr) : nlohmann::json(g);
}

nlohmann::json turbo() {
    auto no_turbo = read_first_line("/sys/devices/system/cpu/intel_pstate/no_turbo");
    if (!no_turbo.empty()) return no_turbo == "0";
    auto boost = read_first_line("/sys/devices/system/cpu/cpufreq/boost");
    if (!boost.empty()) return boost == "1";
    return nullptr;
}

nlohmann::json virtual_machine() {
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) return static_cast<bool>(c & (1u << 31));  // hypervisor bit
#endif
    auto type = read_first_line("/sys/hypervisor/type");
    if (!type.empty()) return true;
    return nullptr;
}

// x86 kernels print "cpu MHz" in /proc/cpuinfo; arm64 kernels do not, so
// there the cpufreq driver's maximum (kHz) stands in; 0 when neither is there.
double mhz(const std::string& cpuinfo) {
    if (auto s = cpuinfo_value(cpuinfo, "cpu MHz"); !s.empty()) return std::atof(s.c_str());
    auto khz = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    return khz.empty() ? 0.0 : std::atof(khz.c_str()) / 1000.0;
}

}  // namespace

std::string utc_timestamp(bool for_file_name) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, for_file_name ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%S+00:00",
                  &tm);
    return buf;
}

std::string host_name() {
    char buf[256] = {0};
    gethostname(buf, sizeof buf - 1);
    return buf[0] ? buf : "unknown-host";
}

nlohmann::json environment_context() {
    const auto& topo = Topology::get();
    utsname u{};
    uname(&u);
    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    nlohmann::json caches = nlohmann::json::array();
    for (const auto& c : topo.caches)
        caches.push_back({{"type", c.type},
                          {"level", c.level},
                          {"size", c.size},
                          {"num_sharing", c.num_sharing}});
    std::string build_type = BuildInfo::build_type();
    std::string lower;
    for (char ch : build_type) lower += static_cast<char>(std::tolower(ch));
    const std::string cpuinfo = read_file("/proc/cpuinfo");
    std::string model = topo.cpu_model.empty() ? cpu_model_from_cpuinfo(cpuinfo) : topo.cpu_model;
    const std::string rev = BuildInfo::git_revision();
    return {
        {"date", utc_timestamp(false)},
        {"host_name", host_name()},
        {"num_cpus", topo.allowed_cpus()},
        {"mhz_per_cpu", static_cast<long>(mhz(cpuinfo))},
        {"cpu_scaling_enabled", governor().is_string() && governor() != "performance"},
        {"caches", caches},
        {"load_avg", {load[0], load[1], load[2]}},
        {"library_build_type",
         lower == "release" || lower == "relwithdebinfo" ? "release" : "debug"},
        {"schema_version", 1},
        {"contend_version", BuildInfo::version()},
        {"git_revision", rev.empty() ? nlohmann::json(nullptr) : nlohmann::json(rev)},
        {"git_tree_dirty", BuildInfo::git_tree_dirty() < 0
                               ? nlohmann::json(nullptr)
                               : nlohmann::json(BuildInfo::git_tree_dirty() == 1)},
        {"compiler", BuildInfo::compiler()},
        {"peer_libraries", BuildInfo::peer_libraries()},
        {"cxx_flags", BuildInfo::cxx_flags()},
        {"build_type", build_type},
        {"sanitizer", BuildInfo::sanitizer()[0] ? nlohmann::json(BuildInfo::sanitizer())
                                                : nlohmann::json(nullptr)},
        {"kernel", std::string(u.sysname) + " " + u.release + " " + u.machine},
        {"cpu_model", model},
        {"atomics", atomics_build().to_json()},
        {"topology", topo.to_json()},
        {"governor", governor()},
        {"turbo", turbo()},
        {"virtual_machine", virtual_machine()},
    };
}

std::vector<std::string> environment_warnings(int max_threads) {
    std::vector<std::string> w;
    const auto& topo = Topology::get();
    const int cpus = topo.allowed_cpus();
    std::string bt = BuildInfo::build_type();
    if (bt != "Release" && bt != "RelWithDebInfo")
        w.push_back("build type is " + bt + ", not Release: figures are not representative");
    if (BuildInfo::sanitizer()[0])
        w.push_back(std::string("built with the ") + BuildInfo::sanitizer() +
                    " sanitizer: figures are not representative");
    auto g = governor();
    if (g.is_string() && g != "performance")
        w.push_back("CPU frequency governor is '" + g.get<std::string>() +
                    "', not 'performance': clock speed varies during the run");
    if (turbo() == true) w.push_back("turbo/boost is on: single-thread figures are inflated");
    if (virtual_machine() == true)
        w.push_back(
            "running in a virtual machine: vCPUs may be preempted by the host (lock-holder "
            "preemption)");
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) > 0 && load[0] > 0.5 * cpus)
        w.push_back("load average " + std::to_string(load[0]).substr(0, 4) + " on " +
                    std::to_string(cpus) + " CPUs: other work competes for the CPUs");
    if (max_threads > cpus)
        w.push_back("up to " + std::to_string(max_threads) + " threads on " + std::to_string(cpus) +
                    " CPUs: cases with more threads than CPUs are oversubscribed (labelled)");
    return w;
}

}  // namespace contend
