#pragma once
// ttas_backoff — test-and-test-and-set spinlock with bounded exponential
// backoff.
//
// Algorithm: as ttas, but after each failed exchange the waiter stays away
// for `backoff` relax steps before polling again, doubling `backoff` from
// kMinBackoff up to kMaxBackoff. A failed exchange means others are competing
// for the same release; backing off spreads their next attempts out so a
// release is not followed by every waiter's RMW at once (Anderson, "The
// Performance of Spin Lock Alternatives for Shared-Memory Multiprocessors",
// IEEE TPDS 1990; Mellor-Crummey & Scott, ACM TOCS 1991).
// Bounds: 8 to 512 calls of Relax::cpu() per backoff; the cap bounds the time
// a free lock can sit idle while every waiter is backing off (with `pause`
// that is about 5k to 70k cycles, depending on the CPU's pause latency).
// The delay is deterministic, not randomised: waiters fail at different
// moments, which already staggers them, and no RNG state is kept per thread.
// Guarantees: mutual exclusion, deadlock freedom; no fairness (a waiter deep
// in backoff loses to newcomers). Not padded, for the same reason as tas.
#include <algorithm>
#include <atomic>
#include <cstdint>

namespace contend {

template <class Relax>
class TtasBackoffLock {
  public:
    static constexpr std::uint32_t kMinBackoff = 8;
    static constexpr std::uint32_t kMaxBackoff = 512;

    void lock() noexcept {
        std::uint32_t backoff = kMinBackoff;
        for (;;) {
            if (!flag_.exchange(true, std::memory_order_acquire)) return;
            for (std::uint32_t i = 0; i < backoff; ++i) Relax::cpu();
            backoff = std::min(backoff * 2, kMaxBackoff);
            while (flag_.load(std::memory_order_relaxed)) Relax::wait(flag_, true);
        }
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> flag_{false};
};

}  // namespace contend
