#pragma once
// How the work-stealing pool's idle workers sleep without losing wake-ups: an
// event count (the pattern of Dmitry Vyukov's eventcount and of folly's
// EventCount), written for this pool from the idea.
//
// A worker that found no work announces itself (prepare: sleepers += 1),
// looks for work once more, and only then sleeps until the epoch moves past
// the ticket prepare() returned. A producer makes its work visible with a
// sequentially consistent store (the deque's bottom, the injection queue's
// size), then reads `sleepers`; only if someone announced does it take the
// mutex, bump the epoch and notify. Why no wake-up is lost: in the single
// total order of sequentially consistent operations, either the producer's
// publication comes before the worker's re-check (which then sees the work)
// or the worker's announcement comes before the producer's read (which then
// sees a sleeper and bumps the epoch) — and a worker compares the epoch with
// its ticket under the mutex, so a bump before it waits stops it waiting and
// a bump after wakes it. The common case, nobody asleep, costs the producer
// one load, no lock and no syscall. (Standalone fences would do the same;
// ThreadSanitizer does not model them.)
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace contend::pool {

class IdleParking {
  public:
    using Ticket = std::uint64_t;

    // Worker: announce, then re-check for work (with sequentially consistent
    // loads) before calling wait().
    Ticket prepare() noexcept {
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        return epoch_.load(std::memory_order_acquire);
    }
    // Worker: the re-check found work after all.
    void cancel() noexcept { sleepers_.fetch_sub(1, std::memory_order_relaxed); }
    // Worker: sleep until notified after prepare(), or until `stop` is set
    // (read under the mutex; notify_all() after setting it).
    void wait(Ticket ticket, const std::atomic<bool>& stop) {
        {
            std::unique_lock lock(mutex_);
            while (epoch_.load(std::memory_order_relaxed) == ticket &&
                   !stop.load(std::memory_order_relaxed))
                cv_.wait(lock);
        }
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }

    // Producer, after publishing work with a sequentially consistent store:
    // wake one sleeper if any.
    void notify_one() {
        if (sleepers_.load(std::memory_order_seq_cst) == 0) return;
        {
            std::lock_guard lock(mutex_);
            epoch_.fetch_add(1, std::memory_order_release);
        }
        cv_.notify_one();
    }
    void notify_all() {
        {
            std::lock_guard lock(mutex_);
            epoch_.fetch_add(1, std::memory_order_release);
        }
        cv_.notify_all();
    }

  private:
    alignas(128) std::atomic<int> sleepers_{0};
    alignas(128) std::atomic<Ticket> epoch_{0};
    std::mutex mutex_;
    std::condition_variable cv_;
};

}  // namespace contend::pool
