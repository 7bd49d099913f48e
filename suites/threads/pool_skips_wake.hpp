#pragma once
// skips_wake — a pool that is almost right (control, for `contend stress`):
// mutex_queue, except that one submission in 1,000 skips its notify_one, so
// a worker asleep on the empty queue stays asleep beside the new task until
// the next submission wakes it. In a benchmark window the next submission
// comes within microseconds and the bug is a latency blip; it shows only
// when none comes (a full in-flight budget, a submitter paused or stopped).
// The pool stall watch (pool_stall_watch.hpp) must report it as a stall.
#include <atomic>
#include <cstdint>

#include "suites/threads/pool_mutex_queue.hpp"

namespace contend::pool {

class WakesAllButOneIn1000 {
  public:
    bool operator()() noexcept {
        return count_.fetch_add(1, std::memory_order_relaxed) % 1000 != 999;  // the bug
    }

  private:
    std::atomic<std::uint64_t> count_{0};
};

template <class Job>
using SkipsWakePool = MutexQueuePool<Job, WakesAllButOneIn1000>;

}  // namespace contend::pool
