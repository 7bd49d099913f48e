#pragma once
// Locks that exist only so the test suite can prove the harness survives bad
// primitives. Registered only when CONTEND_TEST_PRIMITIVES=1.
#include <sched.h>
#include <atomic>

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

}  // namespace contend::locks
