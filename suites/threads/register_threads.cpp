#include "suites/threads/register_threads.hpp"

namespace contend {

void register_threads(Registry& r) {
    r.add_suite("threads",
                "What threads cost: creation and join, timers and delayed execution, "
                "thread-local storage against shared counters, worker pools");
    register_lifecycle_scenario(r);
    register_timers_scenario(r);
    register_tls_scenario(r);
    register_pool_scenario(r);
}

}  // namespace contend
