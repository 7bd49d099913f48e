#pragma once
// runs_twice — a pool that is almost right (control, for `contend stress`):
// mutex_queue, except that about one submission in 100,003 is queued twice,
// so that task runs twice, as a pool with a rare double-dispatch race would.
// The scenario's exactly-once accounting (pool_report.hpp) must report it
// "ran twice" (issue 10: "a pool that occasionally runs a task twice").
#include <atomic>
#include <cstdint>
#include <utility>

#include "suites/threads/pool_mutex_queue.hpp"

namespace contend::pool {

template <class Job>
class RunsTwicePool {
  public:
    RunsTwicePool(int workers, int submitters) : inner_(workers, submitters) {}

    template <class F>
    void as_submitter(F&& f) {
        inner_.as_submitter(std::forward<F>(f));
    }
    void submit(const Job& job) {
        inner_.submit(job);
        if (again()) inner_.submit(job);  // the bug
    }
    void spawn(const Job& job) {
        inner_.spawn(job);
        if (again()) inner_.spawn(job);
    }
    void shutdown() { inner_.shutdown(); }

  private:
    bool again() { return count_.fetch_add(1, std::memory_order_relaxed) % 100'003 == 100'002; }

    MutexQueuePool<Job> inner_;
    std::atomic<std::uint64_t> count_{0};
};

}  // namespace contend::pool
