// queues.throughput and queues.paced: their descriptions and the catalogue's
// bindings (one translation unit for the loop they share).
#include "suites/queues/throughput_scenario.hpp"

#include "harness/registry.hpp"
#include "suites/queues/queue_applicability.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {
namespace {

int producers_plus_consumers(const ParamPoint& p) {
    return static_cast<int>(p.integer("producers") + p.integer("consumers"));
}

}  // namespace

void ThroughputBinding::describe(Registry& r) {
    auto& s = r.add_scenario(
        {name,
         "queues",
         "producers push, consumers pop: items/s, failed tries, latency, occupancy, fairness",
         // The presets run the four shapes 1x1, 1x2, 2x1, 2x2 (full: up to 4x4);
         // an SPSC-only queue runs 1x1 only.
         {ParamSpec::integer("producers", 1, 1, 256, "", "producer threads", true)
              .in_preset("default", "1,2")
              .in_preset("full", "1,2,4"),
          ParamSpec::integer("consumers", 1, 1, 256, "", "consumer threads", true)
              .in_preset("default", "1,2")
              .in_preset("full", "1,2,4"),
          ParamSpec::integer("capacity", 1024, 1, 1 << 24, "items",
                             "bound of bounded queues (initial size hint for others)", true),
          payload_bytes_param(),
          wait_param("on full/empty: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    s.thread_count = producers_plus_consumers;
    s.stress = true;
    s.unsupported = queue_unsupported;
}

void ThroughputBinding::bind_catalogue(Registry& r) {
    bind_every_queue<ThroughputBinding>(r);
}

void PacedBinding::describe(Registry& r) {
    auto& s = r.add_scenario(
        {name,
         "queues",
         "producers send on a fixed schedule (open loop): latency from the scheduled send time",
         {ParamSpec::integer("rate", 1'000'000, 1, 1'000'000'000, "items/s",
                             "offered load, all producers together", true),
          ParamSpec::integer("producers", 1, 1, 256, "", "producer threads", true),
          ParamSpec::integer("consumers", 1, 1, 256, "", "consumer threads", true),
          ParamSpec::integer("capacity", 1024, 1, 1 << 24, "items", "bound of bounded queues"),
          payload_bytes_param(),
          wait_param("on full/empty: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    s.thread_count = producers_plus_consumers;
    s.unsupported = queue_unsupported;
}

void PacedBinding::bind_catalogue(Registry& r) {
    bind_every_queue<PacedBinding>(r);
}

}  // namespace contend::queues
