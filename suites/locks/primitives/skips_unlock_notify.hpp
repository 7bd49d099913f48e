#pragma once
// skips_unlock_notify — a blocking lock as users write one, a std::mutex, a
// condition variable and a `held` flag, whose unlock() skips notify_one()
// once in 5,000 releases (control, for `contend stress`).
//
// The lost wake-up the next operation rescues: while the workload runs, the
// releaser (or anyone) takes and releases the lock again microseconds later,
// and that release's notify wakes the forgotten waiter, so a benchmark sees
// at most a tail-latency blip. When the program goes quiet right after the
// skipped notify, the waiter sleeps beside a free lock for ever. Only a
// quiet instant that follows the release itself shows it (the stall watch's
// quiet gate, harness/quiet_gate.hpp). Readers take it exclusive too, so it
// also runs in locks.rw.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace contend {

class SkipsUnlockNotifyLock {
  public:
    SkipsUnlockNotifyLock() = default;
    SkipsUnlockNotifyLock(const SkipsUnlockNotifyLock&) = delete;
    SkipsUnlockNotifyLock& operator=(const SkipsUnlockNotifyLock&) = delete;

    void lock() {
        std::unique_lock guard(mu_);
        released_.wait(guard, [&] { return !held_; });
        held_ = true;
    }

    void lock_shared() { lock(); }
    void unlock_shared() { unlock(); }

    void unlock() {
        {
            std::lock_guard guard(mu_);
            held_ = false;
        }
        // The bug: the waiter's wake-up, skipped once in 5,000 releases.
        if (releases_.fetch_add(1, std::memory_order_relaxed) % 5000 == 4999) return;
        released_.notify_one();
    }

  private:
    std::mutex mu_;
    std::condition_variable released_;
    bool held_ = false;
    std::atomic<std::uint64_t> releases_{0};
};

}  // namespace contend
