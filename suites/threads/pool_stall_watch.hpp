#pragma once
// Stress mode's stall watch for threads.pool (issue 10): a task handed to the
// pool while every pool thread sleeps, and none of them woken for stall_ns,
// is a lost wake-up, even if a later submission would have rescued it.
//
// The pools' threads are not ours (oneTBB's and asio's are created by the
// library, some lazily), so the watch does not track them one by one: a
// pool thread is any thread of the process that is neither a submitter nor
// one that existed before the pool was created. A look judges one instant:
//  - outstanding: tasks handed (SlotTable's `handed`, counted after submit()
//    or spawn() returned, wake-up included) minus tasks completed. Counted
//    before the threads are read, so a task that finished meanwhile only
//    makes the instant look busier;
//  - no thread inside the pool's submit() or spawn(), before and after the
//    threads are read: a wake-up may be in progress there. Seen: asio
//    submitters inside glibc's pthread_cond_signal, which can wait for
//    woken waiters, while every worker still slept (a CPU-starved machine);
//  - every pool thread asleep, with its count of sleeps unchanged since the
//    first look of the streak. A thread that was woken, even briefly, ends
//    the streak;
//  - no task completed since the first look of the streak (a thread the
//    watch cannot tell for the pool's, such as a oneTBB worker left from an
//    earlier pool in the same process, may be running them).
// Reading /proc for every thread is slow, so the threads are read only when
// tasks are outstanding, and the first one found running ends the look.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/os_thread_state.hpp"
#include "suites/threads/pool_task_accounting.hpp"

namespace contend::pool {

class PoolStallWatch {
  public:
    using Clock = std::chrono::steady_clock;

    // Constructed before the pool exists: the threads alive now are not
    // the pool's.
    PoolStallWatch(SlotTable& slots, std::chrono::nanoseconds bound)
        : slots_(slots), bound_(bound), before_pool_(process_thread_ids()) {
        std::sort(before_pool_.begin(), before_pool_.end());
    }

    // One look. Returns the finding the first time a stall is seen, and ""
    // before that and after.
    std::string look() {
        if (reported_) return "";
        const auto now = Clock::now();
        const auto [handed, completed] = task_counts();
        const std::uint64_t outstanding = handed > completed ? handed - completed : 0;
        std::vector<std::pair<int, long>> sleepers;
        if (outstanding == 0 || in_pool_call() || !all_pool_threads_asleep(sleepers) ||
            in_pool_call()) {
            streak_.reset();
            return "";
        }
        if (!streak_ || sleepers != sleepers_ || completed != completed_) {
            streak_ = now;  // (re)start: some thread was woken, or a task ran
            sleepers_ = std::move(sleepers);
            completed_ = completed;
            return "";
        }
        if (now - *streak_ < bound_) return "";
        reported_ = true;
        char what[256];
        std::snprintf(what, sizeof what,
                      "stalled: %llu task(s) handed to the pool were not run for %.1f ms while "
                      "all %zu pool threads slept without being woken (a lost wake-up)",
                      static_cast<unsigned long long>(outstanding),
                      std::chrono::duration<double, std::milli>(now - *streak_).count(),
                      sleepers_.size());
        return what;
    }

  private:
    // Tasks handed to the pool, then tasks completed.
    std::pair<std::uint64_t, std::uint64_t> task_counts() {
        std::uint64_t handed = 0, completed = 0;
        const int n = slots_.claimed();
        for (int i = 0; i < n; ++i)
            if (slots_[i].ready.load(std::memory_order_acquire))
                handed += slots_[i].handed.load(std::memory_order_acquire);
        for (int i = 0; i < n; ++i)
            completed += slots_[i].completed.load(std::memory_order_acquire);
        return {handed, completed};
    }

    // Whether any thread is inside submit() or spawn() (TaskSlot::in_pool_call).
    bool in_pool_call() {
        for (int i = 0, n = slots_.claimed(); i < n; ++i)
            if (slots_[i].ready.load(std::memory_order_acquire) &&
                slots_[i].in_pool_call.load(std::memory_order_seq_cst))
                return true;
        return false;
    }

    bool is_pool_thread(int tid) {
        if (std::binary_search(before_pool_.begin(), before_pool_.end(), tid)) return false;
        for (int i = 0, n = slots_.claimed(); i < n; ++i)
            if (slots_[i].ready.load(std::memory_order_acquire) && slots_[i].submitter &&
                slots_[i].tid == tid)
                return false;
        return true;
    }

    // Every pool thread with its count of sleeps; false as soon as one runs.
    bool all_pool_threads_asleep(std::vector<std::pair<int, long>>& sleepers) {
        for (const int tid : process_thread_ids()) {
            if (!is_pool_thread(tid)) continue;
            const auto state = read_os_thread_state(tid);
            if (!state) continue;  // gone
            if (!state->asleep) return false;
            sleepers.emplace_back(tid, state->voluntary_switches);
        }
        std::sort(sleepers.begin(), sleepers.end());
        return !sleepers.empty();
    }

    SlotTable& slots_;
    std::chrono::nanoseconds bound_;
    std::vector<int> before_pool_;
    std::optional<Clock::time_point> streak_;
    std::vector<std::pair<int, long>> sleepers_;
    std::uint64_t completed_ = 0;
    bool reported_ = false;
};

}  // namespace contend::pool
