#include "suites/locks/lock_scenario_params.hpp"

#include "harness/relax.hpp"
#include "suites/locks/lock_promises.hpp"

namespace contend::locks {

ParamSpec threads_param() {
    return ParamSpec::integer("threads", 2, 1, 1024, "",
                              "worker threads (more than CPUs = oversubscribed)", true);
}

ParamSpec relax_param() {
    std::vector<std::string> names;
    relax::for_each_policy([&]<class R>() { names.emplace_back(R::name); });
    return ParamSpec::choice("relax", "pause", names,
                             "what spin loops do between polls (spinning primitives only; "
                             "harness/relax.hpp says what each costs)");
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
