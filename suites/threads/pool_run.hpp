#pragma once
// threads.pool — worker pools running tiny tasks. Each task is `task_ns` of
// calibrated busy work, 1 in 64 runs of it timed on the thread that runs it
// (delays.task_ns: see PoolRun's constructor). Methodology:
//  - `submitters` threads of ours submit tasks from outside the pool, each
//    keeping at most its share of `inflight` tasks submitted but not yet
//    finished (flow control: an open loop would only measure how fast a queue
//    grows). A submitter whose budget is full polls, then yields; the share
//    of the window it spends so is submitter_wait_fraction (near 1: the pool
//    is the bottleneck; near 0: the submitter is).
//  - spawn=external: every task is submitted by a submitter. spawn=recursive:
//    a submitted task is the root of a binary tree of min(16, inflight)
//    tasks, each spawning its children from inside the worker before doing
//    its own work (fork-join): this is where per-worker queues and stealing
//    matter. A tree counts against the in-flight budget as a whole.
//  - The case thread coordinates a warm-up and a measured window (tasks
//    completed per second in the window), then stops the submitters. Each
//    submitter waits until every task it started has finished (drain_ns),
//    one submitter runs the hand-off probe (below), the pool then sits
//    idle for kIdleProbe (the CPU its threads burn while
//    idle is idle_cpu_fraction: spinning workers show up here), and finally
//    shutdown_ns times the pool's shutdown of an idle, drained pool: waking
//    the workers and joining them. No pool is asked to abandon work.
//  - 1 in sample_every tasks submitted in the window carries its submit time
//    (cycle counter); the worker records submit->start and submit->complete.
//    Both include the queueing behind up to `inflight` other tasks (Little's
//    law: about inflight / throughput), so a pool that accepts tasks faster
//    also queues more of them. The latency that compares pools on equal
//    terms is the hand-off probe (`handoff`, the primary latency): after
//    the drain, one submitter sends lone tasks into the idle pool, each as
//    soon as the previous one finished (at most kHandoffTasks, for at most
//    kHandoffProbe), timing submit->complete: the hand-off itself, and the
//    wake-up of a worker that went to sleep, as a lone request sees them.
//  - Per-thread rows: one per pool worker (tasks run in the window; workers
//    that ran none are listed with 0, they count in fairness), then the
//    submitters (tasks they submitted; not counted in throughput).
//    CPU time and context switches come from each thread's CPU clock and
//    /proc, read just outside the window edges.
//
// Validation: every task carries a unique sequence number; the submitting
// side sums count, sequence and a hash of it, the running side the same, and
// the totals must match after the drain: a task that never ran, or ran twice,
// makes the case invalid. A drain that does not finish within kDrainLimit
// (a lost task or a lost wake-up: tasks queued while every worker sleeps) is
// reported the same way.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/delays.hpp"
#include "harness/perturbation.hpp"
#include "harness/registry.hpp"
#include "harness/relax.hpp"
#include "harness/thread_team.hpp"
#include "harness/topology.hpp"
#include "suites/threads/pool_report.hpp"
#include "suites/threads/pool_task_accounting.hpp"

namespace contend::pool {

inline constexpr std::uint32_t kTreeTasks = 16;
inline constexpr int kSubmitterPolls = 64;
inline constexpr auto kIdleProbe = std::chrono::milliseconds(10);
inline constexpr auto kDrainLimit = std::chrono::seconds(2);
// The hand-off probe: at most this many lone tasks, for at most this long.
inline constexpr int kHandoffTasks = 1000;
inline constexpr auto kHandoffProbe = std::chrono::milliseconds(5);

// A task as every pool sees it: 32 bytes, trivially copyable (the
// work-stealing deque stores it by value; TBB and asio wrap it).
template <class Run>
struct PoolJob {
    Run* run = nullptr;
    std::uint64_t seq = 0;
    std::uint64_t submit_ticks = 0;  // 0: latency not sampled
    std::uint32_t budget = 1;        // tasks in this task's tree, itself included
    std::uint16_t origin = 0;        // the submitter whose in-flight budget it uses
    std::uint16_t handoff = 0;       // 1: a hand-off probe, timed apart from the window
    void operator()() const { run->execute(*this); }
};

template <template <class> class PoolT>
class PoolRun {
  public:
    using Job = PoolJob<PoolRun>;
    using Pool = PoolT<Job>;

    struct Config {
        int workers = 1, submitters = 1;
        double task_ns = 0;        // the task's busy work
        std::uint32_t tree = 1;    // tasks per submitted root
        std::uint64_t budget = 1;  // in-flight tasks per submitter
        std::uint32_t sample_every = 1;
        // Stress mode: the submitters are perturbed around each submission.
        const Perturbation* perturb = nullptr;
        double ticks_per_ns = 1;
    };

    // Slots: workers and submitters, plus room for a library that lets the
    // coordinating thread help (TBB's shutdown wait). The task's busy work is
    // calibrated here, on the case's thread, before the pool exists: the
    // pools' threads are not ours to pin, so no CPU of theirs is one to
    // calibrate on, and the only code of ours they run is tasks, where a
    // ~2 ms calibration would stall the window or the hand-off probe (a
    // large pool wakes threads there that ran nothing before). Each thread
    // then times its own runs of it (TaskSlot::task), which checks this
    // calibration where the work runs.
    explicit PoolRun(const Config& cfg)
        : cfg_(cfg),
          task_(prepared_task(cfg.task_ns)),
          slots_(cfg.workers + cfg.submitters + 2, cfg.submitters, task_) {}

    Pool& pool() { return *pool_; }
    SlotTable& slots() { return slots_; }

    void create_pool() { pool_ = std::make_unique<Pool>(cfg_.workers, cfg_.submitters); }
    void destroy_pool() {
        pool_->shutdown();
        pool_.reset();
    }

    // Runs on a pool thread.
    void execute(const Job& j) {
        TaskSlot& me = slots_.mine();
        const std::uint64_t t0 = j.submit_ticks ? cycle_clock::now() : 0;
        if (j.budget > 1) {
            const std::uint32_t rest = j.budget - 1, left = (rest + 1) / 2, right = rest - left;
            hand(me, make_job(me, left, j.origin), &Pool::spawn);
            if (right) hand(me, make_job(me, right, j.origin), &Pool::spawn);
        }
        me.task();
        if (j.submit_ticks) {
            const std::uint64_t t1 = cycle_clock::now();
            if (j.handoff) {
                me.handoff.record(t1 > j.submit_ticks ? t1 - j.submit_ticks : 0);
            } else {
                me.to_start.record(t0 > j.submit_ticks ? t0 - j.submit_ticks : 0);
                me.to_complete.record(t1 > j.submit_ticks ? t1 - j.submit_ticks : 0);
            }
        }
        me.completed_sum += j.seq;
        me.completed_hash += mix64(j.seq);
        owner_increment(me.done_for[j.origin], std::memory_order_release);
        owner_increment(me.completed);
    }

    // One submitter thread's whole life: arrive, submit until stopped, then
    // wait for its own tasks. Returns false if they did not all finish.
    bool submit_loop(int index) {
        TaskSlot& me = slots_.mine(true);
        arrived_.fetch_add(1, std::memory_order_acq_rel);
        while (phase_.load(std::memory_order_acquire) == Phase::Waiting) sched_yield();
        std::uint64_t& reserved = me.reserved;
        // Stress mode only; a benchmark run pays one predictable branch.
        std::optional<PerturbationInjector> inject;
        if (cfg_.perturb) inject.emplace(*cfg_.perturb, index, cfg_.ticks_per_ns);
        // While the budget is full the submitter waits: a few polls with
        // `pause` (room usually appears within a task or two), then yields,
        // so that oversubscribed workers get the CPU. The time it spends
        // waiting in the window is what tells a pool-bound run (the
        // submitter mostly waits) from a submitter-bound one (it never does).
        std::uint64_t wait_start = 0;
        int polls = 0;
        for (Phase p; (p = phase_.load(std::memory_order_relaxed)) != Phase::Stop;) {
            const std::uint64_t outstanding = reserved - completed_for(index);
            const bool measured = p == Phase::Measure;
            if (outstanding + cfg_.tree > cfg_.budget) {
                if (measured && wait_start == 0) wait_start = cycle_clock::now();
                if (++polls < kSubmitterPolls)
                    relax::Pause::cpu();
                else
                    sched_yield();
                continue;
            }
            if (wait_start != 0) {
                me.wait_ticks += cycle_clock::now() - wait_start;
                wait_start = 0;
            }
            polls = 0;
            for (std::uint64_t room = (cfg_.budget - outstanding) / cfg_.tree; room > 0; --room) {
                if (inject) inject->before();
                hand(me, make_job(me, cfg_.tree, static_cast<std::uint16_t>(index)), &Pool::submit);
                reserved += cfg_.tree;
                if (inject) inject->after();
            }
        }
        if (wait_start != 0) me.wait_ticks += cycle_clock::now() - wait_start;
        return wait_for_own_tasks(index, reserved);
    }

    // The hand-off probe, run by a submitter once the pool has drained: one
    // task at a time into an idle pool, the next as soon as the previous one
    // finished, each timed submit->complete. Unlike the window's latencies
    // (queueing behind up to `inflight` tasks), this is what a lone request
    // pays: the hand-off, and waking a worker if it went to sleep.
    bool probe_handoff(int index) {
        TaskSlot& me = slots_.mine(true);
        const auto end = std::chrono::steady_clock::now() + kHandoffProbe;
        for (int n = 0; n < kHandoffTasks && std::chrono::steady_clock::now() < end; ++n) {
            Job j = make_job(me, 1, static_cast<std::uint16_t>(index));
            j.handoff = 1;
            j.submit_ticks = cycle_clock::now();
            hand(me, j, &Pool::submit);
            if (!wait_for_own_tasks(index, ++me.reserved)) return false;
        }
        return true;
    }

    std::atomic<Phase>& phase() { return phase_; }
    int arrived() const { return arrived_.load(std::memory_order_acquire); }

  private:
    static ThreadDelays prepared_task(double task_ns) {
        ThreadDelays d;
        prepare_delays({{"task_ns", task_ns}}, d);
        return d;
    }

    // Submits or spawns one job and counts it as handed to the pool (the
    // stall watch's view); in stress mode, marks the call while it lasts.
    void hand(TaskSlot& me, const Job& j, void (Pool::*how)(const Job&)) {
        const bool stressed = cfg_.perturb != nullptr;
        if (stressed) me.in_pool_call.store(true, std::memory_order_seq_cst);
        (pool_.get()->*how)(j);
        owner_increment(me.handed, std::memory_order_release);
        if (stressed) me.in_pool_call.store(false, std::memory_order_release);
    }

    Job make_job(TaskSlot& s, std::uint32_t budget, std::uint16_t origin) {
        Job j{this, s.seq_base | s.next_seq, 0, budget, origin, 0};
        if (phase_.load(std::memory_order_relaxed) == Phase::Measure) {
            ++s.submitted_measured;
            if (s.next_seq % cfg_.sample_every == 0) j.submit_ticks = cycle_clock::now();
        }
        ++s.next_seq;
        ++s.submitted;
        s.submitted_sum += j.seq;
        s.submitted_hash += mix64(j.seq);
        return j;
    }

    // Until every task this submitter started has finished (false: not
    // within kDrainLimit). Polls, then yields, like the submit loop.
    bool wait_for_own_tasks(int index, std::uint64_t reserved) {
        const auto deadline = std::chrono::steady_clock::now() + kDrainLimit;
        for (int polls = 0; completed_for(index) < reserved; ++polls) {
            if (polls < kSubmitterPolls) {
                relax::Pause::cpu();
                continue;
            }
            if (std::chrono::steady_clock::now() > deadline) return false;
            sched_yield();
        }
        return true;
    }

    std::uint64_t completed_for(int origin) {
        std::uint64_t n = 0;
        for (int i = 0, end = slots_.claimed(); i < end; ++i)
            n += slots_[i].done_for[origin].load(std::memory_order_acquire);
        return n;
    }

    Config cfg_;
    ThreadDelays task_;  // the calibration every slot starts from
    SlotTable slots_;
    std::unique_ptr<Pool> pool_;
    alignas(128) std::atomic<Phase> phase_{Phase::Waiting};
    alignas(128) std::atomic<int> arrived_{0};
};

}  // namespace contend::pool
