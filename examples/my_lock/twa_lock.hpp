#pragma once
// A user's own lock, measured with contend (README, "Measuring your own
// lock or queue"): a ticket lock with a waiting array (TWA; Dice and Kogan,
// "TWA - Ticket Locks Augmented with a Waiting Array", Euro-Par 2019).
//
// A plain ticket lock makes every waiter spin on the one `grant` word, so
// each release invalidates that line in every waiter's cache. TWA keeps
// only the next waiter on `grant`; the others wait on a slot of a shared
// array chosen by their ticket, and a release bumps the one slot whose
// waiter has just become next, so it moves over to `grant`.
//
// TwaLockBroken is the deliberately broken variant: it enters when it is
// merely next in line, so two threads can hold it at once. contend's
// validation must catch it.
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace my_locks {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Shared by every TWA lock of the process, as in the paper: 4096 slots,
// each on its own cache line.
struct alignas(64) WaitSlot {
    std::atomic<std::uint32_t> sequence{0};
};
inline WaitSlot g_wait_array[4096];

template <bool kBroken>
class BasicTwaLock {
  public:
    void lock() {
        const std::uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
        if (distance(ticket) > kLongTerm) wait_long_term(ticket);
        // Short-term: spin on grant until it is our turn (the broken
        // variant stops one ticket early).
        while (distance(ticket) > (kBroken ? 1 : 0)) cpu_relax();
    }

    void unlock() {
        std::uint32_t next;
        if constexpr (kBroken) {
            // Two holders may release at once here; an atomic increment keeps
            // both releases, so the one bug shows as broken exclusion (what
            // validation checks) rather than as a lost grant and a hang.
            next = grant_.fetch_add(1, std::memory_order_release) + 1;
        } else {
            // Only the holder writes grant: a plain store suffices.
            next = grant_.load(std::memory_order_relaxed) + 1;
            grant_.store(next, std::memory_order_release);
        }
        // The waiter holding ticket next + kLongTerm has just come within
        // kLongTerm of its turn: wake it from the array onto `grant`.
        slot(next + kLongTerm).sequence.fetch_add(1, std::memory_order_release);
    }

  private:
    static constexpr std::int32_t kLongTerm = 1;

    // Signed, modulo 2^32: how many releases until `ticket`'s turn. Never
    // negative for the correct lock; the broken one lets grant pass a ticket
    // whose holder had not looked yet, which then enters at once instead of
    // waiting four billion turns (its bug stays broken exclusion, not a hang).
    std::int32_t distance(std::uint32_t ticket) const {
        return static_cast<std::int32_t>(ticket - grant_.load(std::memory_order_acquire));
    }
    WaitSlot& slot(std::uint32_t ticket) const {
        // Neighbouring tickets of one lock, and the same ticket of two locks,
        // land on different lines.
        const auto mixed = (reinterpret_cast<std::uintptr_t>(this) >> 6) * 0x9E3779B1u + ticket;
        return g_wait_array[mixed % 4096];
    }
    void wait_long_term(std::uint32_t ticket) {
        WaitSlot& s = slot(ticket);
        std::uint32_t seen = s.sequence.load(std::memory_order_acquire);
        // Re-check after reading the slot: a release between the two would
        // otherwise be missed. Another lock's release may bump the same slot
        // (a spurious wake-up): then look again.
        while (distance(ticket) > kLongTerm) {
            while (s.sequence.load(std::memory_order_acquire) == seen &&
                   distance(ticket) > kLongTerm)
                cpu_relax();
            seen = s.sequence.load(std::memory_order_acquire);
        }
    }

    alignas(64) std::atomic<std::uint32_t> next_{0};
    alignas(64) std::atomic<std::uint32_t> grant_{0};
};

using TwaLock = BasicTwaLock<false>;
using TwaLockBroken = BasicTwaLock<true>;

}  // namespace my_locks
