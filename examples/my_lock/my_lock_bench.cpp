// The whole of what a user writes to measure their own lock with contend:
// the lock's header and one line per lock. The executable is contend, with
// these locks in its catalogue (see CMakeLists.txt beside this file).
#include "suites/locks/user_lock.hpp"
#include "twa_lock.hpp"

CONTEND_LOCK(my_locks::TwaLock, .name = "twa", .family = "spinlock",
             .description = "ticket lock with a waiting array (Dice and Kogan 2019)", .fair = true,
             .spins = true);

// Kept out of default runs; name it with --primitive twa_broken.
CONTEND_LOCK(my_locks::TwaLockBroken, .name = "twa_broken",
             .description = "TWA that enters one ticket early (broken on purpose)", .spins = true,
             .control = true);
