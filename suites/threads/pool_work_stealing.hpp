#pragma once
// work_stealing — contend's own work-stealing pool. Each worker owns a
// Chase-Lev deque (pool_chase_lev_deque.hpp): a task spawned from inside a
// worker goes to the bottom of that worker's deque and the worker pops it
// back LIFO, hot in its cache, touching no shared line; an idle worker
// steals FIFO from the top of a victim's deque (victims tried from a random
// start, so thieves spread out). Tasks submitted from outside the pool go to
// one injection queue (a mutex-protected FIFO), as in Go's and Tokio's
// schedulers; a worker that finds its deque empty takes a batch from it
// (its share, at most kInjectBatch) so that one lock serves several tasks and
// the rest become stealable. A spawn that finds its deque full goes to the
// injection queue too.
//
// Finding work: own deque, then the injection queue, then stealing. A worker
// that finds nothing spins briefly (the next task often arrives within a
// microsecond), then yields, then parks on the event count
// (pool_idle_parking.hpp): idle workers burn no CPU, and no wake-up is lost.
// Shutdown drains: workers leave only once stop is set and no work is left
// anywhere they can see, and a worker never leaves with items in its own
// deque.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "harness/relax.hpp"
#include "suites/threads/pool_chase_lev_deque.hpp"
#include "suites/threads/pool_idle_parking.hpp"

namespace contend::pool {

template <class Job, std::size_t DequeCapacity = 1024>
class WorkStealingPool {
  public:
    static constexpr std::size_t kInjectBatch = 32;

    WorkStealingPool(int workers, int /*submitters*/)
        : workers_(static_cast<std::size_t>(workers)) {
        for (std::size_t i = 0; i < workers_.size(); ++i)
            workers_[i].rng = 0x9E3779B97F4A7C15ull * (i + 1);
        for (std::size_t i = 0; i < workers_.size(); ++i)
            workers_[i].thread = std::thread([this, i] { work(i); });
    }
    WorkStealingPool(const WorkStealingPool&) = delete;
    WorkStealingPool& operator=(const WorkStealingPool&) = delete;
    ~WorkStealingPool() { shutdown(); }

    template <class F>
    void as_submitter(F&& f) {
        f();
    }

    // From any thread that is not one of this pool's workers.
    void submit(const Job& job) {
        {
            std::lock_guard lock(inject_mutex_);
            inject_.push_back(job);
            inject_size_.store(inject_.size(), std::memory_order_seq_cst);  // publishes
        }
        parking_.notify_one();
    }

    // From inside a task: to the running worker's own deque.
    void spawn(const Job& job) {
        Worker* me = current_worker();
        if (me == nullptr || !me->deque.push(job)) {
            submit(job);
            return;
        }
        parking_.notify_one();  // an idle worker may come and steal it
    }

    // Stops the workers after every queued task has run; no submissions may
    // race with it. Idempotent.
    void shutdown() {
        if (stopped_) return;
        stopped_ = true;
        stop_.store(true, std::memory_order_seq_cst);
        parking_.notify_all();
        for (auto& w : workers_) w.thread.join();
    }

    std::uint64_t steals() const noexcept {
        std::uint64_t n = 0;
        for (const auto& w : workers_) n += w.steals.load(std::memory_order_relaxed);
        return n;
    }

  private:
    struct alignas(128) Worker {
        ChaseLevDeque<Job, DequeCapacity> deque;
        std::atomic<std::uint64_t> steals{0};  // owner-written, read after the run
        std::uint64_t rng = 0;
        std::thread thread;
    };

    // Which worker of which pool the calling thread is (tasks call spawn()).
    struct Current {
        const void* pool = nullptr;
        Worker* worker = nullptr;
    };
    static inline thread_local Current current_{};
    Worker* current_worker() const noexcept {
        return current_.pool == this ? current_.worker : nullptr;
    }

    std::optional<Job> take_injected(Worker& me) {
        if (inject_size_.load(std::memory_order_seq_cst) == 0) return std::nullopt;
        Job batch[kInjectBatch];
        std::size_t n = 0;
        {
            std::lock_guard lock(inject_mutex_);
            // This worker's share of the queue, so one worker does not grab
            // everything while the others sit idle.
            const std::size_t share = inject_.size() / workers_.size() + 1;
            n = std::min({share, kInjectBatch, inject_.size()});
            for (std::size_t i = 0; i < n; ++i) {
                batch[i] = inject_.front();
                inject_.pop_front();
            }
            inject_size_.store(inject_.size(), std::memory_order_relaxed);
        }
        if (n == 0) return std::nullopt;
        // Run the oldest now; push the rest newest first, so that popping
        // the deque (LIFO) runs them in submission order.
        bool pushed = false;
        for (std::size_t i = n; i-- > 1;) {
            if (!me.deque.push(batch[i])) {
                submit(batch[i]);
                continue;
            }
            pushed = true;
        }
        if (pushed) parking_.notify_one();
        return batch[0];
    }

    // Returns a stolen job; `contended` is set when a race was lost, i.e.
    // some deque was not empty and a retry may succeed.
    std::optional<Job> steal(Worker& me, std::size_t self, bool& contended) {
        const std::size_t n = workers_.size();
        if (n < 2) return std::nullopt;
        me.rng ^= me.rng << 13, me.rng ^= me.rng >> 7, me.rng ^= me.rng << 17;
        const std::size_t start = static_cast<std::size_t>(me.rng % n);
        Job job;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t v = (start + k) % n;
            if (v == self) continue;
            switch (workers_[v].deque.steal(job)) {
                case StealResult::Taken:
                    me.steals.store(me.steals.load(std::memory_order_relaxed) + 1,
                                    std::memory_order_relaxed);
                    return job;
                case StealResult::Lost:
                    contended = true;
                    break;
                case StealResult::Empty:
                    break;
            }
        }
        return std::nullopt;
    }

    std::optional<Job> find_work(Worker& me, std::size_t self) {
        for (;;) {
            if (auto job = me.deque.pop()) return job;
            if (auto job = take_injected(me)) return job;
            bool contended = false;
            if (auto job = steal(me, self, contended)) return job;
            if (!contended) return std::nullopt;
        }
    }

    void work(std::size_t self) {
        Worker& me = workers_[self];
        current_ = {this, &me};
        // Polls before parking: a short spin catches the next task of a busy
        // producer; yields let other runnable threads (oversubscription) go.
        constexpr int kSpins = 64, kYields = 8;
        for (;;) {
            std::optional<Job> job = find_work(me, self);
            for (int i = 0; !job && i < kSpins + kYields && !stop_.load(std::memory_order_relaxed);
                 ++i) {
                if (i < kSpins)
                    for (int p = 0; p < 16; ++p) relax::Pause::cpu();
                else
                    sched_yield();
                job = find_work(me, self);
            }
            if (!job) {
                const IdleParking::Ticket ticket = parking_.prepare();
                job = find_work(me, self);
                if (job) {
                    parking_.cancel();
                } else if (stop_.load(std::memory_order_acquire)) {
                    parking_.cancel();
                    break;  // stopped and nothing left that this worker can see
                } else {
                    parking_.wait(ticket, stop_);
                    continue;
                }
            }
            (*job)();
        }
        current_ = {};
    }

    std::vector<Worker> workers_;
    IdleParking parking_;
    alignas(128) std::mutex inject_mutex_;
    std::deque<Job> inject_;
    std::atomic<std::size_t> inject_size_{0};  // read without the lock by idle workers
    alignas(128) std::atomic<bool> stop_{false};
    bool stopped_ = false;
};

}  // namespace contend::pool
