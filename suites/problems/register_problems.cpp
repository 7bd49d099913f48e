#include "suites/problems/register_problems.hpp"

namespace contend {

void register_problems(Registry& r) {
    r.add_suite("problems",
                "Classic concurrency problems measured: one lock or many, a global "
                "interpreter lock, deadlock (dining philosophers), reader-writer starvation");
    register_granularity_scenario(r);
    register_gil_scenario(r);
    register_deadlock_scenario(r);
    register_starvation_scenario(r);
}

}  // namespace contend
