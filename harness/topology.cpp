#include "harness/topology.hpp"

#include <hwloc.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "harness/params.hpp"

namespace contend {
namespace {

Topology discover() {
    Topology t;
    hwloc_topology_t topo;
    hwloc_topology_init(&topo);
    hwloc_topology_load(topo);
    t.packages = std::max(1, hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE));
    t.cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    t.pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    t.numa_nodes = std::max(1, hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
    if (auto* pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0))
        if (const char* model = hwloc_obj_get_info_by_name(pkg, "CPUModel")) t.cpu_model = model;

    const std::pair<hwloc_obj_type_t, int> cache_types[] = {{HWLOC_OBJ_L1CACHE, 1},
                                                            {HWLOC_OBJ_L1ICACHE, 1},
                                                            {HWLOC_OBJ_L2CACHE, 2},
                                                            {HWLOC_OBJ_L3CACHE, 3},
                                                            {HWLOC_OBJ_L4CACHE, 4}};
    for (auto [type, level] : cache_types) {
        auto* obj = hwloc_get_obj_by_type(topo, type, 0);
        if (!obj || !obj->attr) continue;
        CacheInfo c;
        c.level = level;
        c.size = static_cast<long long>(obj->attr->cache.size);
        c.type = obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "Instruction"
                 : obj->attr->cache.type == HWLOC_OBJ_CACHE_DATA      ? "Data"
                                                                      : "Unified";
        c.num_sharing = obj->cpuset ? hwloc_bitmap_weight(obj->cpuset) : 1;
        t.caches.push_back(c);
    }

    // Only CPUs in this process's affinity mask are usable (containers, taskset).
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    sched_getaffinity(0, sizeof allowed, &allowed);
    using Pu = CpuPlace;
    std::vector<Pu> pus;
    const int n_pu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    for (int i = 0; i < n_pu; ++i) {
        auto* pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, i);
        int os = static_cast<int>(pu->os_index);
        if (os >= CPU_SETSIZE || !CPU_ISSET(os, &allowed)) continue;
        auto* core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
        auto* pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, pu);
        pus.push_back({os, pkg ? static_cast<int>(pkg->logical_index) : 0,
                       core ? static_cast<int>(core->logical_index) : i,
                       core ? static_cast<int>(pu->sibling_rank) : 0});
    }
    hwloc_topology_destroy(topo);
    if (pus.empty())  // hwloc saw nothing usable: fall back to the affinity mask
        for (int c = 0; c < CPU_SETSIZE; ++c)
            if (CPU_ISSET(c, &allowed)) pus.push_back({c, 0, c, 0});

    PlacementOrders orders = placement_orders(pus, t.packages);
    t.compact = std::move(orders.compact);
    t.scatter = std::move(orders.scatter);
    t.places = std::move(pus);
    return t;
}

}  // namespace

PlacementOrders placement_orders(std::vector<CpuPlace> pus, int packages) {
    auto by = [&](auto key) {
        std::sort(pus.begin(), pus.end(),
                  [&](const CpuPlace& a, const CpuPlace& b) { return key(a) < key(b); });
        std::vector<int> out;
        for (const auto& p : pus) out.push_back(p.os);
        return out;
    };
    PlacementOrders o;
    o.compact = by([](const CpuPlace& p) { return std::tuple(p.sibling, p.package, p.core); });
    // Scatter: first sibling of every core, alternating packages, then the rest.
    o.scatter = by([](const CpuPlace& p) { return std::tuple(p.sibling, p.core, p.package); });
    if (packages > 1) {
        // Interleave packages: rank each core within its package, then sort by that rank.
        std::map<int, std::vector<int>> cores_of_pkg;
        for (const auto& p : pus) cores_of_pkg[p.package].push_back(p.core);
        for (auto& [pkg, v] : cores_of_pkg) {
            std::sort(v.begin(), v.end());
            v.erase(std::unique(v.begin(), v.end()), v.end());
        }
        auto rank = [&](const CpuPlace& p) {
            const auto& v = cores_of_pkg[p.package];
            return static_cast<int>(std::lower_bound(v.begin(), v.end(), p.core) - v.begin());
        };
        o.scatter =
            by([&](const CpuPlace& p) { return std::tuple(p.sibling, rank(p), p.package); });
    }
    return o;
}

const Topology& Topology::get() {
    static const Topology t = discover();
    return t;
}

nlohmann::json Topology::to_json() const {
    return {{"packages", packages},
            {"cores", cores},
            {"pus", pus},
            {"numa_nodes", numa_nodes},
            {"allowed_cpus", allowed_cpus()},
            {"compact_order", compact},
            {"scatter_order", scatter},
            {"cpu_map", cpu_map()}};
}

nlohmann::json Topology::cpu_map() const {
    nlohmann::json m = nlohmann::json::array();
    for (const auto& p : places)
        m.push_back(
            {{"cpu", p.os}, {"package", p.package}, {"core", p.core}, {"sibling", p.sibling}});
    return m;
}

void validate_pin_policy(const std::string& policy) {
    (void)plan_pinning(policy, 1);
}

std::vector<int> plan_pinning(const std::string& policy, int threads) {
    const auto& topo = Topology::get();
    std::vector<int> order;
    if (policy == "none") return {};
    if (policy == "compact")
        order = topo.compact;
    else if (policy == "scatter")
        order = topo.scatter;
    else {
        ParamSpec cpu = ParamSpec::integer("cpu", 0, 0, CPU_SETSIZE - 1, "", "");
        try {
            for (const auto& v : parse_values(cpu, policy, "--pin"))
                order.push_back(static_cast<int>(std::get<std::int64_t>(v)));
        } catch (const UsageError&) {
            throw UsageError("--pin: '" + policy +
                             "' is not allowed (allowed: none, compact, scatter, or a CPU list "
                             "like 0,2,4 or 0..3)");
        }
        for (int c : order)
            if (std::find(topo.compact.begin(), topo.compact.end(), c) == topo.compact.end())
                throw UsageError("--pin: CPU " + std::to_string(c) +
                                 " is not available to this process (allowed: " +
                                 std::to_string(topo.compact.front()) + ".." +
                                 std::to_string(topo.compact.back()) + ")");
    }
    std::vector<int> plan;
    for (int i = 0; i < threads; ++i) plan.push_back(order[i % order.size()]);
    return plan;
}

bool pin_current_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace contend
