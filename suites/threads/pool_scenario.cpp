// Placeholder: the scenario is being written.
#include "suites/threads/register_threads.hpp"

namespace contend {

void register_pool_scenario(Registry&) {}

}  // namespace contend
