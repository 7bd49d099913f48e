#pragma once
// futex(2) on a 32-bit word that two processes share. The shared (not
// FUTEX_PRIVATE) operations key the word by its physical page, which is what
// makes them work in a MAP_SHARED mapping seen at different addresses in
// different processes. std::atomic<T>::wait/notify cannot be used here:
// libstdc++ implements them with private futexes (or a process-local table).
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

namespace contend::queues::ipc {

// The kernel reads the word as a plain aligned u32.
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
              std::atomic<std::uint32_t>::is_always_lock_free);

// Sleeps while *word == expected, for at most timeout_ns. Returns false only
// on timeout; a wake, a changed value (EAGAIN) or a signal return true and
// the caller re-checks its condition either way.
inline bool futex_wait_shared(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                              long timeout_ns) noexcept {
    const timespec t{timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000};
    const long r = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT,
                             expected, &t, nullptr, 0);
    return !(r < 0 && errno == ETIMEDOUT);
}

inline void futex_wake_shared(std::atomic<std::uint32_t>& word, int waiters) noexcept {
    ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, waiters, nullptr,
              nullptr, 0);
}

}  // namespace contend::queues::ipc
