#pragma once
// tas — test-and-set spinlock.
//
// Algorithm: acquire by atomically exchanging the flag to 1 until the old
// value was 0; release by storing 0. Every poll is a read-modify-write, so
// each waiter pulls the line exclusive on every iteration and the holder's
// release competes with that traffic: the textbook baseline that degrades
// fastest with contention (Anderson, "The Performance of Spin Lock
// Alternatives for Shared-Memory Multiprocessors", IEEE TPDS 1990).
// Guarantees: mutual exclusion, deadlock freedom; no fairness (starvation
// possible). Not padded: a single flag, and where it sits relative to the
// protected data is the scenario's choice to measure, not the lock's.
#include <atomic>

namespace contend {

template <class Relax>
class TasLock {
  public:
    void lock() noexcept {
        // acquire: the critical section must not float above the winning RMW.
        while (flag_.exchange(true, std::memory_order_acquire)) Relax::cpu();
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> flag_{false};
};

}  // namespace contend
