#pragma once
// array — Anderson's array-based queue lock.
//
// Algorithm: a ring of kCapacity flags, one per cache line; slot 0 starts
// "go". An arriving thread takes the next slot index with fetch_add and spins
// on that slot's flag; on entry it re-arms its slot (clears the flag) for the
// thread that will wrap around to it, and release sets the next slot's flag.
// Guarantees: mutual exclusion, starvation freedom and FIFO admission *as
// long as at most kCapacity threads contend at once*; each waiter polls its
// own line, so a release invalidates one waiter, not all (Anderson, "The
// Performance of Spin Lock Alternatives for Shared-Memory Multiprocessors",
// IEEE TPDS 1990).
//
// Capacity: kCapacity = 256 concurrent contenders (holder + waiters), fixed
// at compile time; a power of two so the ticket counter's 2^32 wrap-around
// maps onto the ring without a jump. A 257th simultaneous contender would
// share a slot with another thread and both could enter: the lock does not
// check this, the harness must not run more threads than that. The price is
// the footprint: 256 padded slots = 16 KiB per lock.
//
// Layout: slots padded to 64 bytes (the point of the algorithm: one polled
// line per waiter, no false sharing between neighbours); the ticket counter
// (RMW by every arrival) and the holder's slot index (written once per
// acquisition) each on their own line, away from the slots.
#include <atomic>
#include <cstdint>

namespace contend {

template <class Relax>
class ArrayLock {
  public:
    static constexpr std::uint32_t kCapacity = 256;
    static_assert((kCapacity & (kCapacity - 1)) == 0, "capacity must be a power of two");

    ArrayLock() noexcept { slots_[0].go.store(true, std::memory_order_relaxed); }
    ArrayLock(const ArrayLock&) = delete;
    ArrayLock& operator=(const ArrayLock&) = delete;

    void lock() noexcept {
        // relaxed: the slot index only orders waiters; the acquire that
        // protects the critical section is the load of the slot's flag.
        const std::uint32_t slot = next_.fetch_add(1, std::memory_order_relaxed) % kCapacity;
        while (!slots_[slot].go.load(std::memory_order_acquire))
            Relax::wait(slots_[slot].go, false);
        // Re-arm for the thread kCapacity tickets later; it can only reach
        // this slot after a chain of releases that starts with ours.
        slots_[slot].go.store(false, std::memory_order_relaxed);
        holder_slot_ = slot;
    }

    void unlock() noexcept {
        slots_[(holder_slot_ + 1) % kCapacity].go.store(true, std::memory_order_release);
    }

  private:
    struct alignas(64) Slot {
        std::atomic<bool> go{false};
    };

    Slot slots_[kCapacity];
    alignas(64) std::atomic<std::uint32_t> next_{0};
    alignas(64) std::uint32_t holder_slot_ = 0;  // written and read only by the holder
};

}  // namespace contend
