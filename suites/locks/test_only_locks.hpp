#pragma once
// Locks that exist only so the test suite can prove the harness survives bad
// primitives. Registered only when CONTEND_TEST_PRIMITIVES=1.
#include <sched.h>
#include <atomic>
#include <memory>

namespace contend::locks {

// Takes the lock once and never gives it back: every later lock() waits
// forever, so the case must be killed by the watchdog and reported `timeout`.
class NeverReleasesLock {
  public:
    void lock() {
        while (taken_.exchange(true, std::memory_order_acquire)) sched_yield();
    }
    void unlock() {}

  private:
    std::atomic<bool> taken_{false};
};

// Crashes with a real segmentation fault on the 1000th acquisition, so the
// case must be reported `crashed` with its signal.
class CrashingLock {
  public:
    void lock() {
        if (count_.fetch_add(1, std::memory_order_relaxed) == 1000) {
            volatile int* nowhere = nullptr;
            *nowhere = 1;
        }
    }
    void unlock() {}

  private:
    std::atomic<int> count_{0};
};

// A correct test-and-set lock that keeps a statistic the wrong way: a plain
// counter bumped before the lock is taken, so two threads write it at once.
// Mutual exclusion holds and validation passes; only ThreadSanitizer sees
// the race (the control for the stress `sanitizer` detector in a TSan build).
class RacyStatsLock {
  public:
    void lock() {
        ++attempts_;  // the bug: shared, not atomic, outside the lock
        while (taken_.exchange(true, std::memory_order_acquire)) sched_yield();
    }
    void unlock() { taken_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> taken_{false};
    long attempts_ = 0;
};

// A correct test-and-set lock that reads one element past a heap array on
// its 1000th acquisition: nothing visible happens in a plain build; only
// AddressSanitizer sees the overflow (the control for the stress `sanitizer`
// detector in an address build).
class OverflowingLock {
  public:
    void lock() {
        while (taken_.exchange(true, std::memory_order_acquire)) sched_yield();
        if (++count_ == 1000) sink_ = history_[kHistory];  // the bug: one past the end
    }
    void unlock() { taken_.store(false, std::memory_order_release); }

  private:
    static constexpr int kHistory = 4;
    std::atomic<bool> taken_{false};
    int count_ = 0;  // under the lock
    std::unique_ptr<int[]> history_ = std::make_unique<int[]>(kHistory);
    volatile int sink_ = 0;
};

}  // namespace contend::locks
