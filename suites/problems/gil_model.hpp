#pragma once
// A global interpreter lock modelled on CPython's "new GIL" (Antoine Pitrou,
// CPython 3.2, Python/ceval_gil.h; D. Beazley, "Understanding the Python
// GIL", PyCon 2010). Written from the algorithm:
//
// - One flag `locked` under a mutex. A thread that wants the GIL waits on a
//   condition variable with a timeout of one switch interval. If the timeout
//   expires and nobody else took the GIL meanwhile (the switch number did not
//   move), it sets `drop_request`: the holder has had its interval.
// - The holder runs "bytecodes" and polls `drop_request` between them (one
//   relaxed load: CPython's eval_breaker). When it is set, the holder drops
//   the GIL and takes it back at once, competing like anyone else.
// - Forced switching: a holder that drops while a drop was requested waits
//   until another thread has actually taken the GIL. Without it, the holder
//   (still on its CPU, lock line in its cache) re-takes the GIL before the
//   woken waiter has even been scheduled, and the waiter starves — the
//   behaviour of CPython before 3.2 on multi-core machines.
// - I/O: the holder drops the GIL before blocking and takes it again after,
//   so other threads execute while it waits. That is why the GIL does not stop
//   I/O-bound threads from overlapping, while CPU-bound threads take turns.
//
// Guarantees: at most one holder; a waiter gets the GIL within about one
// switch interval per thread ahead of it (no FIFO order is promised, as in
// CPython).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace contend::problems {

class GlobalInterpreterLock {
  public:
    explicit GlobalInterpreterLock(std::chrono::nanoseconds switch_interval)
        : interval_(switch_interval) {}

    // Blocks until `tid` holds the GIL. Returns true when the previous
    // holder was another thread (a hand-over, not a re-take).
    bool take(int tid) {
        std::unique_lock lk(mu_);
        while (locked_) {
            const std::uint64_t seen = switch_number_;
            const bool timed_out = waiters_.wait_for(lk, interval_) == std::cv_status::timeout;
            // Ask only if the same holder kept it for the whole interval: had
            // the GIL changed hands meanwhile, the new holder's interval would
            // have only just begun.
            if (timed_out && locked_ && switch_number_ == seen)
                drop_request_.store(true, std::memory_order_relaxed);
        }
        locked_ = true;
        const bool handover = last_holder_ != tid;
        last_holder_ = tid;
        ++switch_number_;
        // The request was for the previous holder; a waiter that still wants
        // a turn times out again and asks this holder in turn.
        drop_request_.store(false, std::memory_order_relaxed);
        switched_.notify_all();
        return handover;
    }

    // Releases the GIL. Unless this is the thread's final release, a drop
    // that was requested waits until another thread has taken the GIL
    // (forced switching). Returns true when it waited.
    bool drop(bool final_release = false) {
        std::unique_lock lk(mu_);
        locked_ = false;
        waiters_.notify_one();
        if (final_release || !drop_request_.load(std::memory_order_relaxed)) return false;
        // The requester is inside take() and stays there until it holds the
        // GIL, so this wait ends (at the latest when its timeout fires).
        const std::uint64_t mine = switch_number_;
        switched_.wait(lk, [&] { return switch_number_ != mine; });
        return true;
    }

    // Polled by the holder between units of work; a relaxed load of a word
    // that changes about once per switch interval, so it stays in cache.
    bool drop_requested() const noexcept { return drop_request_.load(std::memory_order_relaxed); }

    // Drops and re-takes the GIL if another thread asked for it (the
    // holder's "eval breaker"). Returns true when it did.
    bool yield_if_requested(int tid) {
        if (!drop_requested()) return false;
        drop();
        take(tid);
        return true;
    }

    std::chrono::nanoseconds switch_interval() const noexcept { return interval_; }

  private:
    const std::chrono::nanoseconds interval_;
    std::mutex mu_;
    std::condition_variable waiters_;   // threads that want the GIL
    std::condition_variable switched_;  // a holder that was asked to drop, waiting for the switch
    bool locked_ = false;
    int last_holder_ = -1;
    std::uint64_t switch_number_ = 0;  // takes so far: tells a waiter whether the holder changed
    std::atomic<bool> drop_request_{false};
};

}  // namespace contend::problems
