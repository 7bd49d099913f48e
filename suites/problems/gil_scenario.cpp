// Placeholder: the scenario is being written.
#include "suites/problems/register_problems.hpp"

namespace contend {

void register_gil_scenario(Registry&) {}

}  // namespace contend
