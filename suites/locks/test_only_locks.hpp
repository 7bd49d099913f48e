#pragma once
// Locks that exist only so the test suite can prove the harness survives bad
// primitives. Registered only when CONTEND_TEST_PRIMITIVES=1.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "harness/busy_work.hpp"

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

// A correct test-and-set lock that is slow in the first process to use it:
// the first instance to create the file named by CONTEND_TEST_SLOW_ONCE
// (O_EXCL: exactly one wins) spins 2 us in every critical section, every
// later instance (later repetitions, each in its own child) runs at full
// speed. One repetition of its case is an outlier by construction: the
// control that `contend run --rerun-outliers` must replace.
class SlowOnceLock {
  public:
    SlowOnceLock() {
        const char* path = std::getenv("CONTEND_TEST_SLOW_ONCE");
        if (!path) return;
        const int fd = ::open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
        if (fd < 0) return;
        ::close(fd);
        slow_ticks_ = BusyWork::current().ticks_for(2000);
    }
    void lock() {
        while (taken_.exchange(true, std::memory_order_acquire)) sched_yield();
        spin_for(slow_ticks_);
    }
    void unlock() { taken_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> taken_{false};
    std::uint64_t slow_ticks_ = 0;
};

}  // namespace contend::locks
