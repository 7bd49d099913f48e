#pragma once
// rare_double_tas — a lock that is almost right (control, for `contend stress`).
//
// A test-and-test-and-set spinlock, except that about one lock() in 131,072
// (a per-thread xorshift draw) skips the exchange and walks straight in, as a
// lock with a rare race in its fast path would. While another thread holds
// the lock that admits a second thread: the bug a 60 ms benchmark window
// seldom sees and a stress run must find (issue 10: "a lock that admits a
// second thread about once in 10^5 acquisitions"). The flag is a
// std::atomic, so the program stays well-defined, merely incorrect.
#include <atomic>
#include <cstdint>

namespace contend {

template <class Relax>
class RareDoubleTasLock {
  public:
    void lock() noexcept {
        thread_local std::uint64_t draw =
            0x9E3779B97F4A7C15ull ^ reinterpret_cast<std::uintptr_t>(&draw);
        draw ^= draw << 13, draw ^= draw >> 7, draw ^= draw << 17;
        if ((draw & kBypassMask) == 0) {  // the bug: no exchange, no wait
            flag_.store(true, std::memory_order_relaxed);
            return;
        }
        while (true) {
            if (!flag_.exchange(true, std::memory_order_acquire)) return;
            while (flag_.load(std::memory_order_relaxed)) Relax::wait(flag_, true);
        }
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

  private:
    static constexpr std::uint64_t kBypassMask = (1u << 17) - 1;
    std::atomic<bool> flag_{false};
};

}  // namespace contend
