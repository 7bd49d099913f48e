// locks.contention: its description (parameters, presets, applicability).
#include "suites/locks/contention_scenario.hpp"

#include "harness/registry.hpp"
#include "suites/locks/lock_scenario_params.hpp"

namespace contend::locks {

void ContentionBinding::describe(Registry& r) {
    auto& s = r.add_scenario(
        {name,
         "locks",
         "threads hammer one lock: throughput, fairness, acquire wait, handoff",
         {threads_param(), ns_param("cs_ns", 100, "busy work inside the lock"),
          // full: no think time flatters unfair locks; the sweep separates them.
          ns_param("think_ns", 400, "busy work between acquisitions")
              .in_preset("full", "0,400,4000"),
          ParamSpec::integer("cs_lines", 1, 0, 64, "lines",
                             "cache lines written inside the lock, the validation line first "
                             "(0 and 1: that line only)"),
          relax_param()},
         {},
         {}});
    s.stress = true;
    s.unsupported = too_many_threads;
    s.not_applicable = relax_irrelevant;
}

}  // namespace contend::locks
