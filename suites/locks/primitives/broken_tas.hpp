#pragma once
// broken_tas — a deliberately broken spinlock (control).
//
// Check-then-set instead of an atomic test-and-set: wait until the flag reads
// 0, then store 1. Two threads can both see 0 before either stores, and both
// enter. It exists to prove that validation catches a lock that does not
// exclude: a run that reports it `valid` means the checks are blind. The flag
// is a std::atomic accessed with loads and stores only, so the program is
// well-defined (no data race on the flag itself), merely incorrect.
#include <atomic>

namespace contend {

template <class Relax>
class BrokenTasLock {
  public:
    void lock() noexcept {
        for (unsigned f; (f = flag_.load(std::memory_order_acquire)) != 0;) Relax::wait(flag_, f);
        // The bug: the window between the load above and this store. One
        // relax step widens it, as any work between check and set would;
        // with relax=yield it becomes a preemption point, so the overlap
        // shows up even when threads rarely run at the same time.
        Relax::cpu();
        flag_.store(1, std::memory_order_relaxed);
    }
    void unlock() noexcept { flag_.store(0, std::memory_order_release); }

  private:
    std::atomic<unsigned> flag_{0};
};

}  // namespace contend
