#pragma once
// threads.pool: turns one repetition's task slots into the Sample the
// harness reports — per-thread rows (workers, then submitters), latencies,
// the scenario's figures — and the exactly-once verdict. The methodology is
// described in pool_run.hpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/delays.hpp"
#include "harness/registry.hpp"
#include "harness/topology.hpp"
#include "suites/threads/pool_task_accounting.hpp"

namespace contend::pool {

// What the run measured besides the slots.
struct PoolOutcome {
    double window_ns = 0, startup_ns = 0, drain_ns = 0, shutdown_ns = 0;
    double idle_cpu_fraction = 0;  // pool threads' CPU while idle / (workers seen x idle time)
    int idle_workers_seen = 0;     // workers that ran a task, so whose CPU time could be read
    bool drained = true;           // every submitter saw all its tasks finish in time
    long long drain_limit_ms = 0;
    nlohmann::json steals = nullptr;  // null: the pool does not count them
    nlohmann::json joined = true;     // workers joined at shutdown
    std::uint32_t tree = 1, sample_every = 1;
};

inline Sample pool_sample(const CaseConfig& c, SlotTable& slots, const PoolOutcome& out) {
    Sample s;
    s.window_ns = out.window_ns;
    LatencyHistogram to_complete, to_start, handoff;
    std::uint64_t sub_n = 0, sub_sum = 0, sub_hash = 0, done_n = 0, done_sum = 0, done_hash = 0;
    std::uint64_t wait_ticks = 0, worker_cpu = 0, submitter_cpu = 0, task_threads = 0;
    std::vector<ThreadSample> workers, submitter_rows;
    for (int i = 0, n = slots.claimed(); i < n; ++i) {
        TaskSlot& t = slots[i];
        if (!t.ready.load(std::memory_order_acquire)) continue;
        sub_n += t.submitted, sub_sum += t.submitted_sum, sub_hash += t.submitted_hash;
        const std::uint64_t ran = t.completed.load(std::memory_order_acquire);
        done_n += ran, done_sum += t.completed_sum, done_hash += t.completed_hash;
        task_threads += ran > 0;
        if (t.submitter) wait_ticks += t.wait_ticks;
        to_complete.merge(t.to_complete);
        to_start.merge(t.to_start);
        handoff.merge(t.handoff);
        ThreadSample row;
        // A thread the pool ended before the window did left no end to
        // read: its figures are unknown, not negative (found: tbb_task_group,
        // involuntary_cs -14).
        const bool whole = t.start.read && t.end.read;
        row.cpu_ns = whole && t.end.cpu_ns > t.start.cpu_ns ? t.end.cpu_ns - t.start.cpu_ns : 0;
        row.voluntary_cs = whole ? t.end.voluntary_cs - t.start.voluntary_cs : 0;
        row.involuntary_cs = whole ? t.end.involuntary_cs - t.start.involuntary_cs : 0;
        if (t.submitter) {
            row.role = "submitter";
            row.counted = false;
            row.ops = t.submitted_measured;
            row.extra = {{"tasks_run", ran}, {"usage_read", whole}};
            submitter_cpu += row.cpu_ns;
            submitter_rows.push_back(row);
        } else {
            row.role = "worker";
            row.ops = t.completed_at_end - t.completed_at_start;
            row.extra = {{"tasks_run", ran}, {"tasks_spawned", t.submitted}, {"usage_read", whole}};
            worker_cpu += row.cpu_ns;
            workers.push_back(row);
        }
    }
    // A worker that never ran a task has no slot; it still did 0 of the work.
    while (static_cast<int>(workers.size()) < c.threads) {
        ThreadSample idle;
        idle.role = "worker";
        idle.extra = {{"tasks_run", 0}, {"tasks_spawned", 0}};
        workers.push_back(idle);
    }
    s.threads = workers;
    s.threads.insert(s.threads.end(), submitter_rows.begin(), submitter_rows.end());

    const double tasks = static_cast<double>(s.total_ops());
    const double tpn = c.clock->ticks_per_ns;
    // The hand-off first: it compares pools on equal terms, whereas the
    // window's latencies grow with however many tasks a pool let queue.
    s.latencies = {
        {"handoff", handoff}, {"submit_to_complete", to_complete}, {"submit_to_start", to_start}};
    s.sample_every = out.sample_every;
    const auto task_ns = static_cast<double>(c.params.integer("task_ns"));
    std::vector<const ThreadDelays*> ran;
    for (int i = 0, n = slots.claimed(); i < n; ++i)
        if (slots[i].ready.load(std::memory_order_acquire)) ran.push_back(&slots[i].delays);
    s.delays = report_delays({{"task_ns", task_ns}}, ran, tpn, c.clock->overhead_ns_median);
    // What the task bodies alone would allow on the CPUs the workers can
    // use. From the requested duration (the calibrated loop count), not the
    // achieved one: that is a sample of the runs, and a capacity below the
    // rate the pool was measured at would mislead.
    const int cpus = Topology::get().allowed_cpus();
    const double capacity =
        task_ns > 0 ? std::min(c.threads, std::max(cpus, 1)) * 1e9 / task_ns : NAN;
    s.metrics = {
        {"startup_ns", finite_or_null(out.startup_ns)},
        {"drain_ns", finite_or_null(out.drain_ns)},
        {"shutdown_ns", finite_or_null(out.shutdown_ns)},
        {"idle_cpu_fraction", finite_or_null(out.idle_cpu_fraction)},
        {"idle_workers_seen", out.idle_workers_seen},
        {"capacity_tasks_per_s", finite_or_null(capacity)},
        {"worker_cpu_ns_per_task", finite_or_null(worker_cpu / tasks)},
        {"submitter_cpu_ns_per_task", finite_or_null(submitter_cpu / tasks)},
        {"submitter_wait_fraction",
         finite_or_null(static_cast<double>(wait_ticks) / tpn /
                        (out.window_ns * static_cast<double>(submitter_rows.size())))},
        {"tree_tasks", out.tree},
        {"task_threads", task_threads},
        {"steals", out.steals},
        {"steals_per_task", out.steals.is_number() && done_n
                                ? finite_or_null(out.steals.get<double>() / double(done_n))
                                : nlohmann::json(nullptr)},
        {"workers_joined", out.joined},
        {"handoff_p50_ns", finite_or_null(handoff.count() ? handoff.percentile(50) / tpn : NAN)},
        {"submit_to_complete_p50_ns",
         finite_or_null(to_complete.count() ? to_complete.percentile(50) / tpn : NAN)}};
    if (!c.thread_cpus.empty())
        s.row_extra["pinning"] = "not applied: the pools create their own threads";
    s.checks = {{"tasks_submitted", sub_n},
                {"tasks_completed", done_n},
                {"sequence_sums_match", sub_sum == done_sum && sub_hash == done_hash},
                {"drained", out.drained}};
    if (!out.drained || sub_n != done_n || sub_sum != done_sum || sub_hash != done_hash) {
        s.valid = false;
        std::string what;
        if (sub_n > done_n)
            what = std::to_string(sub_n - done_n) + " of " + std::to_string(sub_n) +
                   " tasks never ran";
        else if (sub_n < done_n)
            what = std::to_string(done_n - sub_n) + " task runs more than the " +
                   std::to_string(sub_n) + " submitted (ran twice)";
        else if (sub_sum != done_sum || sub_hash != done_hash)
            what = "the tasks that ran are not the tasks submitted (some lost, others ran twice)";
        if (!out.drained)
            what += std::string(what.empty() ? "" : "; ") + "tasks still unfinished " +
                    std::to_string(out.drain_limit_ms) +
                    " ms after the window (lost task or lost wake-up)";
        s.detail = "not exactly once: " + what;
    }
    return s;
}

}  // namespace contend::pool
