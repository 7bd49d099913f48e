#pragma once
// Quiet instants on demand, for the stress stall watch (team_stall_watch.cpp).
//
// A lost wake-up that the next operation rescues (an unlock or a push that
// skips its notify once in thousands) lasts only until the next release or
// push, microseconds later, so a watch that waits for the program to go
// quiet by chance almost never sees it. So a worker of a stress trial, right
// after an operation that leaves another thread asleep inside its own (a
// waiter it may have owed a wake-up: one it woke would be runnable), closes
// this gate, in some trials after every such operation: every worker stops
// before its next operation, and only the threads inside an operation go
// on. The watcher (the team's coordinating thread) is woken at once, judges
// the threads still inside their operations, and opens the gate as soon as
// each has finished it, is running (it was woken, or never slept), or sleeps for
// something that is not there; a waiter asleep beside what it waits for
// keeps the gate closed until the watch has seen it for its bound, or until
// a longer bound passes. A correct primitive costs one wake-up per quiet.
//
// One futex word: workers wait on it while it is closed, the watcher waits
// on it while it is open; after retire() it never closes again.
#include <atomic>
#include <cstdint>

namespace contend {

class QuietGate {
  public:
    // A worker between operations: closes the gate unless it is closed or
    // retired, and wakes the watcher.
    void close() noexcept;
    // A worker before an operation: waits while the gate is closed.
    void pass() noexcept;
    // The watcher: sleeps until the gate is closed or `ns` have passed.
    void wait_closed(std::int64_t ns) noexcept;
    bool closed() const noexcept { return state_.load(std::memory_order_acquire) == kClosed; }
    // The watcher: opens the gate and wakes the workers waiting at it.
    void open() noexcept;
    // The watcher, at the stop: opens the gate for good.
    void retire() noexcept;

  private:
    static constexpr std::uint32_t kOpen = 0, kClosed = 1, kRetired = 2;
    std::atomic<std::uint32_t> state_{kOpen};
};

}  // namespace contend
