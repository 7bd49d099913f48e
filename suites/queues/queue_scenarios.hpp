#pragma once
// The queue scenarios, in the order `list` and `run` show them. Every queue
// of the catalogue (queue_catalog.hpp) and every user queue (CONTEND_QUEUE)
// is bound to each one that its declared shapes and blocking allow.
//
// A new queue scenario: <name>_scenario.hpp with its binding (name,
// describe(), bind_catalogue(), run<Queue, T>()), <name>_scenario.cpp
// defining describe() (its parameters, presets and what a queue must
// support) and bind_catalogue() (bind_every_queue<Binding>), and one entry
// in QueueScenarios.
#include <tuple>

#include "suites/queues/pingpong_scenario.hpp"
#include "suites/queues/pipeline_scenario.hpp"
#include "suites/queues/throughput_scenario.hpp"

namespace contend::queues {

using QueueScenarios =
    std::tuple<ThroughputBinding, PingpongBinding, PacedBinding, PipelineBinding>;

// Calls f.template operator()<Binding>() for each queue scenario.
template <class F>
void for_each_queue_scenario(F&& f) {
    std::apply([&](auto... bindings) { (f.template operator()<decltype(bindings)>(), ...); },
               QueueScenarios{});
}

}  // namespace contend::queues
