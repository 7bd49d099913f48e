#pragma once
// ttas — test-and-test-and-set spinlock.
//
// Algorithm: try the exchange once; while it fails, spin on a plain load
// until the flag reads 0, then try the exchange again. Waiters spin in their
// own cache on a shared copy of the line and only issue an RMW when the lock
// looks free, so the holder is not slowed by a storm of RMWs; a release
// still triggers a burst in which every waiter tries at once (Rudolph &
// Segall, "Dynamic Decentralized Cache Schemes for MIMD Parallel
// Processors", ISCA 1984; analysed in Anderson, IEEE TPDS 1990).
// Guarantees: mutual exclusion, deadlock freedom; no fairness.
// Not padded, for the same reason as tas.
#include <atomic>

namespace contend {

template <class Relax>
class TtasLock {
  public:
    void lock() noexcept {
        for (;;) {
            // Uncontended fast path: one RMW, no preliminary read (a read
            // first would fetch the line shared and then upgrade it).
            if (!flag_.exchange(true, std::memory_order_acquire)) return;
            while (flag_.load(std::memory_order_relaxed)) Relax::wait(flag_, true);
        }
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> flag_{false};
};

}  // namespace contend
