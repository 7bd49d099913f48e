#include "harness/os_thread_state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace contend {

int current_os_tid() {
    return static_cast<int>(syscall(SYS_gettid));
}

namespace {

bool is_sleeping_state(char c) {
    return c == 'S' || c == 'D';
}

// The fields of a /proc status text the watches need.
std::optional<OsThreadState> parse_status(std::istream& f) {
    std::string line;
    OsThreadState s;
    bool state = false, count = false;
    while (std::getline(f, line)) {
        if (line.rfind("State:", 0) == 0) {
            const auto at = line.find_first_not_of(" \t", 6);
            s.asleep = at != std::string::npos && is_sleeping_state(line[at]);
            state = true;
        } else if (line.rfind("voluntary_ctxt_switches:", 0) == 0) {
            s.voluntary_switches = std::stol(line.substr(24));
            count = true;
        }
    }
    if (!state || !count) return std::nullopt;
    return s;
}

}  // namespace

std::optional<OsThreadState> read_os_thread_state(int tid) {
    std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/status");
    return parse_status(f);
}

std::vector<int> process_thread_ids() {
    std::vector<int> ids;
    if (DIR* d = opendir("/proc/self/task")) {
        while (const dirent* e = readdir(d))
            if (e->d_name[0] != '.') ids.push_back(std::atoi(e->d_name));
        closedir(d);
    }
    return ids;
}

OsThreadProbe::~OsThreadProbe() {
    if (stat_ >= 0) ::close(stat_);
    if (status_ >= 0) ::close(status_);
}

void OsThreadProbe::open(int tid) {
    const std::string dir = "/proc/self/task/" + std::to_string(tid);
    stat_ = ::open((dir + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    status_ = ::open((dir + "/status").c_str(), O_RDONLY | O_CLOEXEC);
}

bool OsThreadProbe::asleep() const {
    // "tid (comm) S ...": the state follows the last ')' (comm may hold one).
    char buf[256];
    const ssize_t n = stat_ < 0 ? -1 : ::pread(stat_, buf, sizeof buf - 1, 0);
    if (n <= 0) return false;
    buf[n] = 0;
    const char* close = std::strrchr(buf, ')');
    return close && close[1] == ' ' && is_sleeping_state(close[2]);
}

std::optional<OsThreadState> OsThreadProbe::state() const {
    char buf[4096];
    const ssize_t n = status_ < 0 ? -1 : ::pread(status_, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    std::istringstream f(std::string(buf, static_cast<std::size_t>(n)));
    return parse_status(f);
}

}  // namespace contend
