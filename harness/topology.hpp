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

// One allowed CPU: its OS number, package, core (hwloc logical index) and
// rank among its core's hardware threads (0 for the first).
struct CpuPlace {
    int os = 0, package = 0, core = 0, sibling = 0;
};

struct Topology {
    int packages = 0, cores = 0, pus = 0, numa_nodes = 0;
    std::string cpu_model;
    std::vector<CacheInfo> caches;
    // OS CPU numbers this process may run on, in two orders (placement_orders):
    std::vector<int> compact;  // one per core of a package, the next package, then siblings
    std::vector<int> scatter;  // one per core alternating packages, then siblings
    // Where each allowed CPU sits: the CPU map a result records.
    std::vector<CpuPlace> places;
    int allowed_cpus() const { return static_cast<int>(compact.size()); }

    static const Topology& get();  // discovered once
    nlohmann::json to_json() const;
    // [{"cpu", "package", "core", "sibling"}] of every allowed CPU.
    nlohmann::json cpu_map() const;
};

struct PlacementOrders {
    std::vector<int> compact, scatter;
};
// Both orders put one thread on every physical core before any SMT sibling:
// a thread axis that filled a core's siblings first (the old compact) mixed
// contention with sharing a core, so 2 threads measured something else than
// 1 and 4. compact stays in one package as long as it has an idle core;
// scatter alternates packages.
PlacementOrders placement_orders(std::vector<CpuPlace> cpus, int packages);

// Placement policy: "none", "compact", "scatter" or an explicit list "0,2,4".
// Returns the CPU of each of `threads` threads (wrapping around when threads
// outnumber CPUs), or an empty vector for "none". Throws UsageError naming
// `--pin` for a malformed policy or a CPU this process may not use.
std::vector<int> plan_pinning(const std::string& policy, int threads);
void validate_pin_policy(const std::string& policy);

// Binds the calling thread to one CPU; false if the OS refused.
bool pin_current_thread(int cpu);

}  // namespace contend
