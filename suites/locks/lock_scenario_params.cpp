#include "suites/locks/lock_scenario_params.hpp"

#include "suites/locks/lock_promises.hpp"

namespace contend::locks {

ParamSpec threads_param() {
    return ParamSpec::integer("threads", 2, 1, 1024, "",
                              "worker threads (more than CPUs = oversubscribed)", true);
}

ParamSpec relax_param() {
    return ParamSpec::choice("relax", "pause", {"pause", "none", "yield"},
                             "instruction in spin loops (spinning primitives only)");
}

ParamSpec ns_param(const char* name, std::int64_t def, const char* doc) {
    return ParamSpec::integer(name, def, 0, 100'000'000, "ns", doc, true);
}

std::string too_many_threads(const PrimitiveInfo& p, const ParamPoint& point) {
    return more_threads_than_served(p, point.integer("threads"));
}

std::string more_threads_than_served(const PrimitiveInfo& p, std::int64_t threads) {
    const int max = promises_as<LockPromises>(p).max_threads;
    if (max && threads > max)
        return "it serves at most " + std::to_string(max) + " threads at once";
    return "";
}

bool relax_irrelevant(const PrimitiveInfo& p, const ParamPoint& point) {
    return !p.spins && point.choice("relax") != "pause";
}

}  // namespace contend::locks
