#pragma once
// The one list of locks. Adding a lock = one header in primitives/ and one
// line here; every lock scenario, the micro suite, validation, `list` and the
// plots pick it up from this list.
//
// A Visitor provides two member templates:
//   template <template <class Relax> class L> void spinning(PrimitiveInfo info);
//       for locks whose waiters spin; instantiated once per relax policy.
//   template <class L> void plain(PrimitiveInfo info);
//       for everything else.
// Reader-writer locks are recognised by the SharedLockable concept, not by a
// separate list. size_bytes/align_bytes are filled in by the visitor.
#include "harness/primitive_info.hpp"
#include "harness/relax.hpp"
#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/lock_promises.hpp"

#include "suites/locks/primitives/array.hpp"
#include "suites/locks/primitives/clh.hpp"
#include "suites/locks/primitives/mcs.hpp"
#include "suites/locks/primitives/tas.hpp"
#include "suites/locks/primitives/ticket.hpp"
#include "suites/locks/primitives/ttas.hpp"
#include "suites/locks/primitives/ttas_backoff.hpp"

#include "suites/locks/primitives/absl_mutex.hpp"
#include "suites/locks/primitives/futex_mutex.hpp"
#include "suites/locks/primitives/pthread_adaptive.hpp"
#include "suites/locks/primitives/pthread_spin.hpp"
#include "suites/locks/primitives/std_mutex.hpp"
#include "suites/locks/primitives/tbb_mutex.hpp"
#include "suites/locks/primitives/tbb_queuing_mutex.hpp"
#include "suites/locks/primitives/tbb_spin_mutex.hpp"

#include "suites/locks/primitives/pthread_rwlock.hpp"
#include "suites/locks/primitives/rw_spin.hpp"
#include "suites/locks/primitives/std_shared_mutex.hpp"
#include "suites/locks/primitives/tbb_spin_rw_mutex.hpp"

#include "suites/locks/primitives/broken_rw.hpp"
#include "suites/locks/primitives/broken_tas.hpp"
#include "suites/locks/primitives/lost_wake_futex.hpp"
#include "suites/locks/primitives/none.hpp"
#include "suites/locks/primitives/rare_double_tas.hpp"
#include "suites/locks/primitives/skips_unlock_notify.hpp"
#include "suites/locks/primitives/slowed_tas.hpp"
#include "suites/locks/primitives/unordered_tas.hpp"

namespace contend {

namespace lock_catalog_detail {

// Declared properties as flags, so that each catalog entry stays one
// statement; anything not named keeps LockDeclaration's default.
enum Prop : unsigned {
    kFair = 1u << 0,
    kBlocking = 1u << 1,
    kSpins = 1u << 2,
    kNoExclusion = 1u << 3,
    kControl = 1u << 4,
};

inline LockDeclaration info(const char* name, const char* family, unsigned props,
                            const char* description) {
    LockDeclaration d;
    d.name = name;
    d.family = family;
    d.description = description;
    d.fair = (props & kFair) != 0;
    d.blocking = (props & kBlocking) != 0;
    d.spins = (props & kSpins) != 0;
    d.mutual_exclusion = (props & kNoExclusion) == 0;
    d.control = (props & kControl) != 0;
    return d;
}

inline LockDeclaration with_max_threads(LockDeclaration d, int max_threads) {
    d.max_threads = max_threads;
    return d;
}

}  // namespace lock_catalog_detail

template <class Visitor>
void for_each_lock(Visitor& visit) {
    using namespace lock_catalog_detail;
    constexpr const char* kSpin = "spinlock";
    constexpr const char* kBlock = "blocking";
    constexpr const char* kRw = "rwlock";
    constexpr const char* kCtl = "control";

    // Spinlocks written here: templates over the relax policy.
    visit.template spinning<TasLock>(
        info("tas", kSpin, kSpins, "test-and-set: exchange until it returns 0 (Anderson 1990)"));
    visit.template spinning<TtasLock>(
        info("ttas", kSpin, kSpins, "test-and-test-and-set (Rudolph & Segall 1984)"));
    visit.template spinning<TtasBackoffLock>(
        info("ttas_backoff", kSpin, kSpins, "ttas with exponential backoff, 8..512 relax steps"));
    visit.template spinning<TicketLock>(
        info("ticket", kSpin, kFair | kSpins, "ticket lock, FIFO (Mellor-Crummey & Scott 1991)"));
    visit.template spinning<McsLock>(
        info("mcs", kSpin, kFair | kSpins, "MCS queue lock (Mellor-Crummey & Scott 1991)"));
    visit.template spinning<ClhLock>(
        info("clh", kSpin, kFair | kSpins, "CLH queue lock (Craig 1993; Magnusson et al. 1994)"));
    visit.template spinning<ArrayLock>(with_max_threads(
        info("array", kSpin, kFair | kSpins, "Anderson array queue lock, <= 256 contenders"),
        static_cast<int>(ArrayLock<relax::Pause>::kCapacity)));

    // Library spinlocks: they spin with their own fixed back-off, not the
    // relax parameter, hence no kSpins.
    visit.template plain<PthreadSpinLock>(
        info("pthread_spin", kSpin, 0, "glibc pthread_spinlock_t, never sleeps"));
    visit.template plain<TbbSpinMutexLock>(
        info("tbb_spin_mutex", kSpin, 0, "oneTBB spin_mutex: test-and-set, back-off, yield"));
    visit.template plain<TbbQueuingMutexLock>(
        info("tbb_queuing_mutex", kSpin, kFair, "oneTBB queuing_mutex: MCS-style FIFO queue"));

    // Locks whose waiters sleep in the kernel.
    visit.template plain<FutexMutex>(
        info("futex_mutex", kBlock, kBlocking, "three-state futex mutex (Drepper, mutex 3)"));
    visit.template plain<StdMutexLock>(
        info("std_mutex", kBlock, kBlocking, "std::mutex (glibc pthread mutex)"));
    visit.template plain<PthreadAdaptiveLock>(
        info("pthread_adaptive", kBlock, kBlocking, "PTHREAD_MUTEX_ADAPTIVE_NP: spin, then futex"));
    visit.template plain<AbslMutexLock>(
        info("absl_mutex", kBlock, kBlocking, "absl::Mutex, exclusive use only"));
    visit.template plain<TbbMutexLock>(
        info("tbb_mutex", kBlock, kBlocking, "oneTBB mutex: spin, yield, then sleep"));

    // Reader-writer locks (recognised by SharedLockable).
    visit.template plain<StdSharedMutexLock>(
        info("std_shared_mutex", kRw, kBlocking, "std::shared_mutex, reader-preferring"));
    visit.template plain<PthreadRwlock>(
        info("pthread_rwlock", kRw, kBlocking, "pthread_rwlock_t, default: reader-preferring"));
    visit.template spinning<RwSpinLock>(
        info("rw_spin", kRw, kSpins, "writer-preferring reader-writer spinlock, one word"));
    visit.template plain<TbbSpinRwMutexLock>(
        info("tbb_spin_rw_mutex", kRw, 0, "oneTBB spin_rw_mutex, writer-preferring"));

    // Controls: never part of a default run.
    visit.template plain<NoneLock>(
        info("none", kCtl, kNoExclusion | kControl, "no lock: harness-overhead baseline"));
    visit.template spinning<BrokenTasLock>(
        info("broken_tas", kCtl, kSpins | kControl, "non-atomic check-then-set: must fail"));
    visit.template spinning<SlowedTasLock>(
        info("slowed_tas", kCtl, kSpins | kControl,
             "tas + 30 ns of busy work in every critical section: the gate's known slowdown"));
    visit.template spinning<BrokenRwLock>(info("broken_rw", kCtl, kSpins | kControl,
                                               "rw lock whose readers ignore writers: must fail"));
    visit.template spinning<RareDoubleTasLock>(
        info("rare_double_tas", kCtl, kSpins | kControl,
             "TTAS whose lock() walks in without the exchange ~1 in 131,072: for stress"));
    visit.template spinning<UnorderedTasLock>(
        info("unordered_tas", kCtl, kSpins | kControl,
             "ttas, relaxed exchange and release: caught on ARM, passes on x86 (TSO)"));
    visit.template plain<LostWakeFutexMutex>(
        info("lost_wake_futex", kCtl, kBlocking | kControl,
             "futex mutex whose unlock skips 1 in 1,000 owed wake-ups: for stress"));
    visit.template plain<SkipsUnlockNotifyLock>(
        info("skips_unlock_notify", kCtl, kBlocking | kControl,
             "mutex + condvar lock whose unlock skips 1 in 5,000 notifies: for stress"));
}

}  // namespace contend
