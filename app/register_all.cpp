// The suites of this build, in the order `list` and `run` show them, then
// the primitives the executable's own code added (a user's, linked with
// contend_add_executable). The harness reaches suites only through this
// one function.
#include "harness/extensions.hpp"
#include "harness/registry.hpp"
#include "suites/locks/register_locks.hpp"
#include "suites/problems/register_problems.hpp"
#include "suites/queues/register_queues.hpp"
#include "suites/threads/register_threads.hpp"

namespace contend {

void register_all(Registry& r, bool with_test_primitives) {
    register_locks(r, with_test_primitives);
    register_queues(r);
    register_threads(r);
    register_problems(r);
    register_extensions(r);
}

}  // namespace contend
