// Placeholder: the scenario is being written.
#include "suites/problems/register_problems.hpp"

namespace contend {

void register_starvation_scenario(Registry&) {}

}  // namespace contend
