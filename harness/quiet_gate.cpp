#include "harness/quiet_gate.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace contend {
namespace {

// The word is private to the process; a wait returns at once when the word
// no longer holds `expected`, and may return early (a signal): callers loop.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, const timespec* timeout) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected,
            timeout, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX,
            nullptr, nullptr, 0);
}

}  // namespace

void QuietGate::close() noexcept {
    std::uint32_t open = kOpen;
    if (state_.compare_exchange_strong(open, kClosed, std::memory_order_acq_rel))
        futex_wake_all(state_);
}

void QuietGate::pass() noexcept {
    while (state_.load(std::memory_order_acquire) == kClosed) futex_wait(state_, kClosed, nullptr);
}

void QuietGate::wait_closed(std::int64_t ns) noexcept {
    if (ns <= 0 || state_.load(std::memory_order_acquire) != kOpen) return;
    const timespec timeout{static_cast<time_t>(ns / 1'000'000'000),
                           static_cast<long>(ns % 1'000'000'000)};
    futex_wait(state_, kOpen, &timeout);
}

void QuietGate::open() noexcept {
    std::uint32_t closed = kClosed;
    if (state_.compare_exchange_strong(closed, kOpen, std::memory_order_acq_rel))
        futex_wake_all(state_);
}

void QuietGate::retire() noexcept {
    state_.store(kRetired, std::memory_order_release);
    futex_wake_all(state_);
}

}  // namespace contend
