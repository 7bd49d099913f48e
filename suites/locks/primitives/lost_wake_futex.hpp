#pragma once
// lost_wake_futex — a futex mutex that now and then forgets to wake
// (control, for `contend stress`).
//
// futex_mutex's three-state word (Drepper, "Mutex, Take 3"), except that
// about one unlock in 1,000 that should wake a sleeper stores 0 and skips
// the FUTEX_WAKE. The sleeper stays asleep until a later unlock of a
// contended lock happens to wake it: while other threads keep the lock busy
// that rescue comes within microseconds, and a benchmark sees at most a
// tail-latency blip; when they go idle, the waiter sleeps on a free lock.
// The stall watch must catch it (issue 10: "a lock whose waiter misses a
// wake-up that a later unlock rescues"). Readers take it exclusive too, so
// it also runs in locks.rw, where the same watch must catch it. Linux only.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace contend {

class LostWakeFutexMutex {
  public:
    LostWakeFutexMutex() = default;
    LostWakeFutexMutex(const LostWakeFutexMutex&) = delete;
    LostWakeFutexMutex& operator=(const LostWakeFutexMutex&) = delete;

    void lock() noexcept {
        std::uint32_t c = 0;
        if (word_.compare_exchange_strong(c, 1, std::memory_order_acquire,
                                          std::memory_order_relaxed))
            return;
        if (c != 2) c = word_.exchange(2, std::memory_order_acquire);
        while (c != 0) {
            syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), FUTEX_WAIT_PRIVATE, 2,
                    nullptr, nullptr, 0);
            c = word_.exchange(2, std::memory_order_acquire);
        }
    }

    void lock_shared() noexcept { lock(); }
    void unlock_shared() noexcept { unlock(); }

    void unlock() noexcept {
        if (word_.fetch_sub(1, std::memory_order_release) != 1) {
            word_.store(0, std::memory_order_release);
            // The bug: a wake owed to a sleeper, skipped now and then.
            if (owed_.fetch_add(1, std::memory_order_relaxed) % 1000 == 999) return;
            syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, 1,
                    nullptr, nullptr, 0);
        }
    }

  private:
    std::atomic<std::uint32_t> word_{0};
    std::atomic<std::uint64_t> owed_{0};
};

}  // namespace contend
