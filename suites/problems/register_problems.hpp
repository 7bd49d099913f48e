#pragma once
// The classic-problems suite: lock granularity, a global interpreter lock,
// dining philosophers (deadlock) and reader-writer starvation, each turned
// into a measurement. One scenario per translation unit.
#include "harness/registry.hpp"

namespace contend {

void register_problems(Registry& r);

void register_granularity_scenario(Registry& r);  // problems.granularity
void register_gil_scenario(Registry& r);          // problems.gil
void register_deadlock_scenario(Registry& r);     // problems.deadlock
void register_starvation_scenario(Registry& r);   // problems.starvation

}  // namespace contend
