#include "harness/fidelity_check.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "harness/case_plan.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/empty_loop.hpp"
#include "harness/topology.hpp"

namespace contend {

nlohmann::json measure_fidelity(const Registry& r, const std::string& pin,
                                const cycle_clock::Calibration& clock) {
    nlohmann::json out = nlohmann::json::object();
    const double empty_ns = empty_loop_ns();
    out["empty_loop_ns"] = finite_or_null(empty_ns);
    nlohmann::json probes = nlohmann::json::array();
    for (const auto& probe : r.fidelity_probes()) {
        PlanRequest req{{probe.scenario}, {probe.primitive}, probe.values, {}};
        const std::vector<PlannedCase> planned = plan_cases(r, req);
        if (planned.size() != 1) continue;
        const PlannedCase& pc = planned.front();
        CaseConfig cfg;
        cfg.scenario = pc.scenario->name;
        cfg.primitive = pc.primitive;
        cfg.params = pc.params;
        cfg.threads = pc.threads;
        cfg.warmup_ns = 10'000'000;
        cfg.duration_ns = 50'000'000;
        cfg.thread_cpus = plan_pinning(pin == "none" ? "compact" : pin, pc.threads);
        cfg.clock = &clock;
        std::vector<double> ns;
        for (int rep = 0; rep < 3; ++rep) {
            cfg.repetition = rep;
            const Sample s = pc.scenario->runners.at(pc.primitive->name)(cfg);
            if (const auto ops = s.total_ops())
                ns.push_back(s.window_ns / static_cast<double>(ops));
        }
        std::sort(ns.begin(), ns.end());
        const double median = ns.empty() ? NAN : ns[ns.size() / 2];
        probes.push_back({{"case", pc.name},
                          {"ns_per_op", finite_or_null(median)},
                          {"over_empty_loop", finite_or_null(median / empty_ns)},
                          {"what", probe.what}});
    }
    out["controls"] = probes;
    return out;
}

}  // namespace contend
