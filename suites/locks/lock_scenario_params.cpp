#include "suites/locks/lock_scenario_params.hpp"

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
    if (p.max_threads && point.integer("threads") > p.max_threads)
        return "it serves at most " + std::to_string(p.max_threads) + " threads at once";
    return "";
}

bool relax_irrelevant(const PrimitiveInfo& p, const ParamPoint& point) {
    return !p.spins && point.choice("relax") != "pause";
}

}  // namespace contend::locks
