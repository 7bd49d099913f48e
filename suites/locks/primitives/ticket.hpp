#pragma once
// ticket — ticket lock.
//
// Algorithm: an arriving thread takes a ticket with fetch_add on `next_` and
// spins until `serving_` equals its ticket; release increments `serving_`.
// Guarantees: mutual exclusion, starvation freedom, strict FIFO admission in
// ticket order (Mellor-Crummey & Scott, "Algorithms for Scalable
// Synchronization on Shared-Memory Multiprocessors", ACM TOCS 1991, after
// Reed & Kanodia's eventcounts, CACM 1979). All waiters poll the same word,
// so each release invalidates every waiter's copy; and FIFO hand-off to a
// preempted waiter stalls everyone behind it (oversubscription).
// Layout: `next_` and `serving_` sit on separate cache lines so arrivals
// (RMW on `next_`) do not invalidate the line every waiter is polling; only a
// release does.
#include <atomic>
#include <cstdint>

namespace contend {

template <class Relax>
class TicketLock {
  public:
    void lock() noexcept {
        // relaxed: the ticket only orders waiters; the acquire that protects
        // the critical section is the load of serving_. Unsigned wrap-around
        // is harmless: only equality is tested.
        const std::uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
        for (std::uint32_t s; (s = serving_.load(std::memory_order_acquire)) != ticket;)
            Relax::wait(serving_, s);
    }
    void unlock() noexcept {
        // Only the holder writes serving_, so load + store needs no RMW.
        serving_.store(serving_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

  private:
    alignas(64) std::atomic<std::uint32_t> next_{0};
    alignas(64) std::atomic<std::uint32_t> serving_{0};
};

}  // namespace contend
