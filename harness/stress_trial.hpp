#pragma once
// The trials of `contend stress`: which (scenario, primitive) pairs it
// tortures, and, for trial number `id` of a run seeded `seed`, the case and
// the perturbations it runs. A trial is a pure function of (targets, seed,
// id, CPUs), which is what makes `contend stress --replay ID --seed S`
// rerun exactly the same parameters and perturbation choices.
//
// Parameters are drawn from each scenario's declared ranges, leaning on the
// edges where bugs live (the anchors: locktorture's long and zero critical
// sections, jcstress's many short randomized runs): thread counts from 1 to
// four times the CPUs, zero and long busy delays, capacities of 1, 2 and 3,
// every choice (so every wait mode) and every producer/consumer shape a
// queue allows.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/case_plan.hpp"
#include "harness/perturbation.hpp"
#include "harness/registry.hpp"

namespace contend {

struct StressTarget {
    const ScenarioInfo* scenario = nullptr;
    const PrimitiveInfo* primitive = nullptr;
};

// The pairs to torture: the named scenarios or suites (none named: every
// scenario marked `stress`) times the named primitives (none named: every
// non-control primitive they run). Throws UsageError for a bad name or an
// empty selection.
std::vector<StressTarget> stress_targets(const Registry& r, const std::vector<std::string>& targets,
                                         const std::vector<std::string>& primitives);

struct StressTrial {
    int id = 0;
    std::uint64_t seed = 0;  // this trial's own, derived from the run's seed and id
    PlannedCase kase;
    std::int64_t duration_ns = 0, warmup_ns = 0;
    Perturbation perturb;
    nlohmann::json to_json() const;
};

// Trial `id`: targets are visited round robin (so each gets its share of the
// budget), the rest is drawn from the trial's seed. `cpus`: the CPUs the
// process may use (thread counts scale with it).
StressTrial draw_trial(const std::vector<StressTarget>& targets, std::uint64_t run_seed, int id,
                       int cpus);

}  // namespace contend
