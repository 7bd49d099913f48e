// Placeholder: the scenario is being written.
#include "suites/problems/register_problems.hpp"

namespace contend {

void register_deadlock_scenario(Registry&) {}

}  // namespace contend
