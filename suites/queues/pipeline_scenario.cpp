// queues.pipeline: its description and the catalogue's bindings.
#include "suites/queues/pipeline_scenario.hpp"

#include "harness/registry.hpp"
#include "suites/queues/queue_applicability.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {

void PipelineBinding::describe(Registry& r) {
    auto& s = r.add_scenario(
        {name,
         "queues",
         "source -> router -> one queue per worker -> merge -> sink: end-to-end items/s, "
         "per-stage occupancy, end-to-end latency",
         {ParamSpec::integer("workers", 2, 1, 64, "", "worker threads (one queue each)", true),
          ParamSpec::integer("capacity", 1024, 2, 1 << 24, "items", "bound of each queue", true),
          payload_bytes_param(),
          ParamSpec::integer("work_ns", 200, 0, 10'000'000, "ns",
                             "busy work per item in each worker", true),
          wait_param("on full/empty: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    s.thread_count = [](const ParamPoint& p) { return static_cast<int>(p.integer("workers")) + 3; };
    s.unsupported = pipeline_unsupported;
}

void PipelineBinding::bind_catalogue(Registry& r) {
    bind_every_queue<PipelineBinding>(r);
}

}  // namespace contend::queues
