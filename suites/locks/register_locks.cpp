#include "suites/locks/register_locks.hpp"

#include "harness/registry.hpp"
#include "suites/locks/lock_binder.hpp"
#include "suites/locks/lock_catalog.hpp"
#include "suites/locks/test_only_locks.hpp"

namespace contend {

void register_locks(Registry& r, bool with_test_primitives) {
    r.add_suite("locks", "mutexes, spinlocks and reader-writer locks under contention");
    locks::for_each_lock_scenario([&]<class S>() { S::describe(r); });
    LockBinder binder{r};
    for_each_lock(binder);
    r.add_fidelity_probe({"locks.contention",
                          "none",
                          {{"threads", "1"}, {"cs_ns", "0"}, {"think_ns", "0"}, {"cs_lines", "0"}},
                          "the harness's loop with no lock and no validation, per operation"});
    if (with_test_primitives) {
        binder.plain<locks::NeverReleasesLock>(
            {.name = "test_never_releases",
             .family = "test",
             .description = "test only: never releases, must be reported timeout",
             .control = true,
             .test_only = true});
        binder.plain<locks::CrashingLock>(
            {.name = "test_crashes",
             .family = "test",
             .description = "test only: segfaults on its 1000th acquisition",
             .control = true,
             .test_only = true});
        binder.plain<locks::RacyStatsLock>(
            {.name = "test_races",
             .family = "test",
             .description = "test only: a plain counter written outside the lock (TSan's control)",
             .control = true,
             .test_only = true});
        binder.plain<locks::SlowOnceLock>(
            {.name = "test_slow_once",
             .family = "test",
             .description = "test only: slow in the first process (--rerun-outliers' control)",
             .control = true,
             .test_only = true});
        binder.plain<locks::OverflowingLock>(
            {.name = "test_overflows",
             .family = "test",
             .description = "test only: reads past a heap array once (ASan's control)",
             .control = true,
             .test_only = true});
    }
}

}  // namespace contend
