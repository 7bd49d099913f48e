// locks.rw: its description (parameters, presets, applicability).
#include "suites/locks/rw_scenario.hpp"

#include "harness/registry.hpp"
#include "suites/locks/lock_scenario_params.hpp"

namespace contend::locks {

void RwBinding::describe(Registry& r) {
    auto& s = r.add_scenario(
        {name,
         "locks",
         "readers and writers share one rw lock: read/write throughput, writer wait",
         {threads_param(),
          ParamSpec::integer("read_pct", 90, 0, 100, "%", "share of operations that read", true)
              .in_preset("full", "50,90,99"),
          ns_param("cs_ns", 100, "busy work inside the lock"),
          ns_param("think_ns", 400, "busy work between acquisitions"), relax_param()},
         {},
         {}});
    s.stress = true;
    s.unsupported = too_many_threads;
    s.not_applicable = relax_irrelevant;
}

}  // namespace contend::locks
