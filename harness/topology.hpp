#pragma once
// CPU topology through hwloc, and the thread→CPU placement policies.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace contend {

struct CacheInfo {
    std::string type;  // "Data", "Instruction", "Unified" (Google Benchmark's words)
    int level = 0;
    long long size = 0;
    int num_sharing = 0;  // PUs sharing one instance
};

struct Topology {
    int packages = 0, cores = 0, pus = 0, numa_nodes = 0;
    std::string cpu_model;
    std::vector<CacheInfo> caches;
    // OS CPU numbers this process may run on, in two orders:
    std::vector<int> compact;  // fill a core's hardware threads, then the next core
    std::vector<int> scatter;  // one thread per core across packages first, then siblings
    int allowed_cpus() const { return static_cast<int>(compact.size()); }

    static const Topology& get();  // discovered once
    nlohmann::json to_json() const;
};

// Placement policy: "none", "compact", "scatter" or an explicit list "0,2,4".
// Returns the CPU of each of `threads` threads (wrapping around when threads
// outnumber CPUs), or an empty vector for "none". Throws UsageError naming
// `--pin` for a malformed policy or a CPU this process may not use.
std::vector<int> plan_pinning(const std::string& policy, int threads);
void validate_pin_policy(const std::string& policy);

// Binds the calling thread to one CPU; false if the OS refused.
bool pin_current_thread(int cpu);

}  // namespace contend
