#pragma once
// The threads suite: what a thread, a timer, a thread-local and a pool cost.
// One scenario per translation unit; register_threads adds the suite and
// calls each scenario's registration.
#include "harness/registry.hpp"

namespace contend {

void register_threads(Registry& r);

void register_lifecycle_scenario(Registry& r);  // threads.lifecycle
void register_timers_scenario(Registry& r);     // threads.timers
void register_tls_scenario(Registry& r);        // threads.tls
void register_pool_scenario(Registry& r);       // threads.pool

}  // namespace contend
