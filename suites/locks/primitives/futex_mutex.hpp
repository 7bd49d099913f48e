#pragma once
// futex_mutex — three-state futex mutex (Linux).
//
// Algorithm: one 32-bit word, 0 = unlocked, 1 = locked with no waiters,
// 2 = locked and there may be waiters. lock() tries 0→1 with a CAS; failing
// that, it swaps in 2 and, while the swap did not return 0, sleeps in
// FUTEX_WAIT expecting 2 and swaps 2 in again. unlock() decrements: from 1 it
// reaches 0 and no system call is made; from 2 it stores 0 and wakes one
// sleeper. A woken thread takes the lock as 2, since it cannot know whether
// others still sleep, which costs at most one spurious wake. Guarantees:
// mutual exclusion, no lost wake-ups, no system call when uncontended; not
// fair (a running thread can overtake a woken one). Drepper, "Futexes Are
// Tricky", 2004/2011, "Mutex, Take 3". Linux only.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace contend {

class FutexMutex {
  public:
    FutexMutex() = default;
    FutexMutex(const FutexMutex&) = delete;
    FutexMutex& operator=(const FutexMutex&) = delete;

    void lock() noexcept {
        std::uint32_t c = kUnlocked;
        if (word_.compare_exchange_strong(c, kLocked, std::memory_order_acquire,
                                          std::memory_order_relaxed)) {
            return;
        }
        // Announce a waiter before sleeping, so the holder's unlock knows to
        // wake; if the swap returns 0 the lock was just freed and is ours.
        if (c != kContended) c = word_.exchange(kContended, std::memory_order_acquire);
        while (c != kUnlocked) {
            // The kernel re-checks word_ == 2 atomically with queueing us, so
            // a release between our swap and the sleep is not lost.
            futex(FUTEX_WAIT_PRIVATE, kContended);
            c = word_.exchange(kContended, std::memory_order_acquire);
        }
    }

    void unlock() noexcept {
        if (word_.fetch_sub(1, std::memory_order_release) != kLocked) {
            word_.store(kUnlocked, std::memory_order_release);
            futex(FUTEX_WAKE_PRIVATE, 1);
        }
    }

  private:
    static constexpr std::uint32_t kUnlocked = 0;
    static constexpr std::uint32_t kLocked = 1;
    static constexpr std::uint32_t kContended = 2;

    // The kernel reads the word as a plain aligned u32.
    static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free);

    void futex(int op, std::uint32_t val) noexcept {
        // EAGAIN (word changed) and EINTR just send the caller round its loop.
        syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), op, val, nullptr, nullptr, 0);
    }

    std::atomic<std::uint32_t> word_{kUnlocked};
};

}  // namespace contend
