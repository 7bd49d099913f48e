#pragma once
// tbb_task_group — oneTBB's tbb::task_group run inside a tbb::task_arena of
// `workers` worker slots. task_group::run spawns into the calling thread's
// slot of the arena: from a worker (spawn()), onto that worker's own
// work-stealing deque; from a submitter, onto the submitter's slot, from
// which the workers steal. So each submitter must live inside the arena for
// its whole loop (as_submitter: one task_arena::execute, with a slot
// reserved for it), not enter it per task. TBB's workers are process-wide
// and limited to the CPU count minus one by default; a tbb::global_control
// lifts that to `workers` for the pool's lifetime. Workers are created on
// first use, spin a while when they run out of work and then sleep.
//
// Shutdown: the group is waited for (it is already drained when the
// scenario calls it), the arena is terminated and tbb::finalize waits for
// TBB's worker threads to exit; joined() says whether it could (it cannot
// while another arena or scheduler handle is alive in the process).
#include <cstddef>
#include <new>
#include <optional>
#include <utility>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

namespace contend::pool {

template <class Job>
class TbbTaskGroupPool {
  public:
    TbbTaskGroupPool(int workers, int submitters)
        : handle_(tbb::attach{}),
          limit_(std::in_place, tbb::global_control::max_allowed_parallelism,
                 static_cast<std::size_t>(workers) + 1),
          arena_(workers + submitters, static_cast<unsigned>(submitters)) {
        arena_.initialize();
    }
    TbbTaskGroupPool(const TbbTaskGroupPool&) = delete;
    TbbTaskGroupPool& operator=(const TbbTaskGroupPool&) = delete;
    ~TbbTaskGroupPool() { shutdown(); }

    template <class F>
    void as_submitter(F&& f) {
        arena_.execute(f);
    }
    void submit(const Job& job) { group_.run(job); }  // inside as_submitter only
    void spawn(const Job& job) { group_.run(job); }

    void shutdown() {
        if (stopped_) return;
        stopped_ = true;
        arena_.execute([this] { group_.wait(); });
        arena_.terminate();
        limit_.reset();
        joined_ = tbb::finalize(handle_, std::nothrow);
    }
    bool joined() const noexcept { return joined_; }

  private:
    tbb::task_scheduler_handle handle_;
    std::optional<tbb::global_control> limit_;
    tbb::task_arena arena_;
    tbb::task_group group_;
    bool stopped_ = false, joined_ = false;
};

}  // namespace contend::pool
