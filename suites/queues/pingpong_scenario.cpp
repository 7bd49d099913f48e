// queues.pingpong: its description and the catalogue's bindings.
#include "suites/queues/pingpong_scenario.hpp"

#include "harness/registry.hpp"
#include "suites/queues/queue_applicability.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {

void PingpongBinding::describe(Registry& r) {
    auto& s = r.add_scenario(
        {name,
         "queues",
         "round trip through two queues between two threads, beside the cache-line floor",
         {ParamSpec::integer("capacity", 1024, 2, 1 << 24, "items", "bound of each queue", true),
          payload_bytes_param(),
          wait_param("while waiting: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    s.thread_count = [](const ParamPoint&) { return 2; };
    s.unsupported = queue_unsupported;
}

void PingpongBinding::bind_catalogue(Registry& r) {
    bind_every_queue<PingpongBinding>(r);
}

}  // namespace contend::queues
