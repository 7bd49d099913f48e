#pragma once
// rw_spin — writer-preferring reader-writer spinlock.
//
// Algorithm: one 32-bit word: bit 0 = a writer holds the lock, bit 1 = a
// writer is waiting, bits 2.. = number of readers inside. A reader enters by
// CAS-incrementing the count only while neither writer bit is set; a writer
// enters by CAS from "no holder" (pending bit possibly set) to "writer", and
// while readers or another writer are inside it sets the pending bit so that
// new readers hold back. The writer's CAS clears the pending bit; other
// waiting writers set it again on their next poll. (The reader-writer
// problem with writer priority: Courtois, Heymans & Parnas, CACM 1971; the
// spinning form follows Mellor-Crummey & Scott, PPoPP 1991, simple
// centralised variant.)
//
// Policy, and why: writer preference, so that a steady stream of
// overlapping readers cannot starve writers, which is the failure mode the
// reader-preferring pthread/std defaults show. The price is the reverse:
// back-to-back writers can starve readers, and readers stop entering as soon
// as one writer waits, which lowers read concurrency. Neither side is FIFO.
// Guarantees: writers exclusive, readers share; no fairness.
//
// Layout: a single word. All waiters poll it and every reader entry/exit is
// an RMW on it, so it does not scale with readers (unlike per-reader
// counters); that is the simple design being measured, and splitting it would
// change the algorithm rather than its layout.
#include <atomic>
#include <cstdint>

namespace contend {

template <class Relax>
class RwSpinLock {
  public:
    void lock() noexcept {
        for (;;) {
            std::uint32_t s = state_.load(std::memory_order_relaxed);
            if ((s & ~kWriterPending) == 0) {
                if (state_.compare_exchange_weak(s, kWriter, std::memory_order_acquire,
                                                 std::memory_order_relaxed)) {
                    return;
                }
                continue;  // lost a race by a hair: retry before relaxing
            }
            if ((s & kWriterPending) == 0) {
                state_.fetch_or(kWriterPending, std::memory_order_relaxed);
            }
            Relax::wait(state_, s | kWriterPending);
        }
    }

    void unlock() noexcept {
        // fetch_and, not a store: waiting writers may have set the pending
        // bit while we held the lock and it must survive.
        state_.fetch_and(~kWriter, std::memory_order_release);
    }

    void lock_shared() noexcept {
        for (;;) {
            std::uint32_t s = state_.load(std::memory_order_relaxed);
            if ((s & (kWriter | kWriterPending)) == 0) {
                if (state_.compare_exchange_weak(s, s + kReader, std::memory_order_acquire,
                                                 std::memory_order_relaxed)) {
                    return;
                }
                continue;  // usually another reader got in: retry at once
            }
            Relax::wait(state_, s);
        }
    }

    void unlock_shared() noexcept { state_.fetch_sub(kReader, std::memory_order_release); }

  private:
    static constexpr std::uint32_t kWriter = 1;
    static constexpr std::uint32_t kWriterPending = 2;
    static constexpr std::uint32_t kReader = 4;

    std::atomic<std::uint32_t> state_{0};
};

}  // namespace contend
