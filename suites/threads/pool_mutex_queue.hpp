#pragma once
// mutex_queue — the textbook thread pool: one std::deque of tasks guarded by
// one std::mutex, and one std::condition_variable that idle workers sleep
// on. submit() and spawn() are the same: lock, push, unlock, notify_one (a
// no-op in user space when nobody waits, a futex wake when somebody does).
// Every submission and every take goes through the one lock, so the queue is
// the point of contention as workers are added, and a sleeping worker is
// woken by a syscall for each task that finds it asleep. Tasks run in
// submission order (FIFO). Shutdown drains: workers leave once stop is set
// and the queue is empty.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace contend::pool {

// Whether a submission wakes a sleeping worker: always. The control
// skips_wake (pool_skips_wake.hpp) swaps in one that sometimes does not.
struct AlwaysWake {
    bool operator()() const noexcept { return true; }
};

template <class Job, class WakePolicy = AlwaysWake>
class MutexQueuePool {
  public:
    MutexQueuePool(int workers, int /*submitters*/) {
        threads_.reserve(static_cast<std::size_t>(workers));
        for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
    }
    MutexQueuePool(const MutexQueuePool&) = delete;
    MutexQueuePool& operator=(const MutexQueuePool&) = delete;
    ~MutexQueuePool() { shutdown(); }

    template <class F>
    void as_submitter(F&& f) {
        f();
    }

    void submit(const Job& job) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(job);
        }
        if (wake_()) ready_.notify_one();
    }
    void spawn(const Job& job) { submit(job); }

    // Runs every queued task, then joins the workers. Idempotent.
    void shutdown() {
        {
            std::lock_guard lock(mutex_);
            if (stop_ && threads_.empty()) return;
            stop_ = true;
        }
        ready_.notify_all();
        for (auto& t : threads_) t.join();
        threads_.clear();
    }

  private:
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ready_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopped and drained
            Job job = queue_.front();
            queue_.pop_front();
            lock.unlock();
            job();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Job> queue_;
    bool stop_ = false;
    std::vector<std::thread> threads_;
    [[no_unique_address]] WakePolicy wake_;
};

}  // namespace contend::pool
