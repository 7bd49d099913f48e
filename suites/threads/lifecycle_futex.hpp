#pragma once
// Raw futex wait and wake for the lifecycle scenario's parked threads.
//
// Why not std::atomic::wait: libstdc++ spins and yields for a while before it
// sleeps, so a "parked" pool worker could still be on the CPU when the next
// item arrives, and the hand-off would time a spin instead of the wake-up of
// a sleeping thread that a real idle pool pays. FUTEX_WAIT always sleeps in
// the kernel. Private futexes: the words never leave this process.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>

namespace contend::lifecycle {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "a futex word must be a plain 32-bit integer");

inline std::uint32_t* futex_word(std::atomic<std::uint32_t>& a) {
    return reinterpret_cast<std::uint32_t*>(&a);
}

// Sleeps while the word still holds `expected`; may return spuriously.
inline void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
    syscall(SYS_futex, futex_word(word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

inline void futex_wake(std::atomic<std::uint32_t>& word, int waiters = 1) {
    syscall(SYS_futex, futex_word(word), FUTEX_WAKE_PRIVATE, waiters, nullptr, nullptr, 0);
}

inline void futex_wake_all(std::atomic<std::uint32_t>& word) {
    futex_wake(word, INT_MAX);
}

// Sleeps until the word differs from `old`; returns the new value (acquire).
inline std::uint32_t wait_for_change(std::atomic<std::uint32_t>& word, std::uint32_t old) {
    std::uint32_t v;
    while ((v = word.load(std::memory_order_acquire)) == old) futex_wait(word, old);
    return v;
}

// Sleeps until the word equals `target` (acquire).
inline void wait_for_value(std::atomic<std::uint32_t>& word, std::uint32_t target) {
    std::uint32_t v;
    while ((v = word.load(std::memory_order_acquire)) != target) futex_wait(word, v);
}

// Sleeps until the word (a count that only grows) reaches at least `target`.
inline void wait_for_count(std::atomic<std::uint32_t>& word, std::uint32_t target) {
    std::uint32_t v;
    while ((v = word.load(std::memory_order_acquire)) < target) futex_wait(word, v);
}

}  // namespace contend::lifecycle
