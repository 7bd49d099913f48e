#pragma once
// threads.pool, one case: the case thread's side of the protocol described
// in pool_run.hpp (create the pool, start the submitters, time the warm-up,
// the window, the drain, the idle probe and the shutdown, then report). In
// stress mode it also watches for stalls wherever it would otherwise wait.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "suites/threads/pool_report.hpp"
#include "suites/threads/pool_run.hpp"
#include "suites/threads/pool_stall_watch.hpp"

namespace contend::pool {

template <class P>
concept CountsSteals = requires(const P& p) {
    { p.steals() } -> std::convertible_to<std::uint64_t>;
};
template <class P>
concept ReportsJoin = requires(const P& p) {
    { p.joined() } -> std::convertible_to<bool>;
};

template <template <class> class PoolT>
Sample run_pool(const CaseConfig& c) {
    using Run = PoolRun<PoolT>;
    using Clock = std::chrono::steady_clock;
    const auto task_ns = c.params.integer("task_ns");
    const bool recursive = c.params.choice("spawn") == "recursive";
    const int submitters = static_cast<int>(c.params.integer("submitters"));
    const auto inflight = static_cast<std::uint64_t>(c.params.integer("inflight"));

    typename Run::Config cfg;
    cfg.workers = c.threads;
    cfg.submitters = submitters;
    cfg.task_ns = static_cast<double>(task_ns);
    cfg.tree =
        recursive ? static_cast<std::uint32_t>(std::min<std::uint64_t>(kTreeTasks, inflight)) : 1;
    cfg.budget =
        std::max<std::uint64_t>(cfg.tree, inflight / static_cast<std::uint64_t>(submitters));
    cfg.sample_every = c.sample_every ? c.sample_every : kFixedSampleEvery;
    cfg.perturb = c.perturb;
    cfg.ticks_per_ns = c.clock ? c.clock->ticks_per_ns : 1;

    auto run = std::make_unique<Run>(cfg);
    SlotTable& slots = run->slots();
    auto& phase = run->phase();

    // Stress mode: wherever the case thread would only wait, it looks for a
    // stall every millisecond instead (pool_stall_watch.hpp). Made before
    // the pool, whose threads it tells from the process's others by that.
    std::optional<PoolStallWatch> watch;
    if (c.perturb) watch.emplace(slots, std::chrono::nanoseconds(TeamConfig{}.stall_ns));
    std::string stall;
    auto wait_until = [&](auto done) {
        while (!done()) {
            if (watch && stall.empty()) {
                stall = watch->look();
                if (!stall.empty() && c.on_stall)
                    c.on_stall(stall, phase.load(std::memory_order_relaxed) == Phase::Stop);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    };
    auto wait_for = [&](std::chrono::nanoseconds d) {
        if (!watch) return std::this_thread::sleep_for(d);
        const auto end = Clock::now() + d;
        wait_until([&] { return Clock::now() >= end; });
    };

    const auto t_create = Clock::now();
    run->create_pool();
    const double startup_ns =
        std::chrono::duration<double, std::nano>(Clock::now() - t_create).count();

    std::vector<std::thread> subs;
    std::vector<char> drained(static_cast<std::size_t>(submitters), 0);
    std::vector<Clock::time_point> drain_end(static_cast<std::size_t>(submitters));
    std::atomic<int> drained_count{0}, submitters_done{0};
    bool handoff_ok = true;
    for (int i = 0; i < submitters; ++i)
        subs.emplace_back([&, i] {
            run->pool().as_submitter([&] {
                const auto k = static_cast<std::size_t>(i);
                drained[k] = run->submit_loop(i);
                drain_end[k] = Clock::now();
                drained_count.fetch_add(1, std::memory_order_acq_rel);
                // Submitter 0 probes the hand-off once every submitter has
                // drained, so the pool is idle. Still inside as_submitter:
                // TBB needs the submitter in its arena.
                if (i != 0 || !drained[k]) return;
                while (drained_count.load(std::memory_order_acquire) < submitters) sched_yield();
                handoff_ok = run->probe_handoff(i);
            });
            submitters_done.fetch_add(1, std::memory_order_acq_rel);
        });
    while (run->arrived() < submitters) sched_yield();

    // Usage snapshots are slow (/proc), so they are taken just outside the
    // window; the task counts are snapshotted at the window's edges.
    auto for_ready = [&](auto&& f) {
        for (int i = 0, n = slots.claimed(); i < n; ++i)
            if (slots[i].ready.load(std::memory_order_acquire)) f(slots[i]);
    };
    phase.store(Phase::Warmup, std::memory_order_release);
    wait_for(std::chrono::nanoseconds(c.warmup_ns));
    for_ready([](TaskSlot& s) { s.start = read_usage(s.cpu_clock, s.tid); });
    for_ready(
        [](TaskSlot& s) { s.completed_at_start = s.completed.load(std::memory_order_relaxed); });
    const auto w0 = Clock::now();
    phase.store(Phase::Measure, std::memory_order_release);
    wait_for(std::chrono::nanoseconds(c.duration_ns));
    phase.store(Phase::Stop, std::memory_order_release);
    const auto w1 = Clock::now();
    for_ready(
        [](TaskSlot& s) { s.completed_at_end = s.completed.load(std::memory_order_relaxed); });
    for_ready([](TaskSlot& s) { s.end = read_usage(s.cpu_clock, s.tid); });

    if (watch)  // the drain and the hand-off probe, watched
        wait_until([&] { return submitters_done.load(std::memory_order_acquire) == submitters; });
    for (auto& t : subs) t.join();
    const auto drained_at = *std::max_element(drain_end.begin(), drain_end.end());
    const double drain_ns = std::chrono::duration<double, std::nano>(drained_at - w1).count();
    const bool all_drained =
        handoff_ok && std::all_of(drained.begin(), drained.end(), [](char d) { return d; });

    // The idle pool: what do its threads burn while there is nothing to do?
    // Only threads that ran a task have a slot (a TBB worker that joined
    // late may have none): the fraction is over the workers actually seen.
    std::uint64_t idle_cpu0 = 0, idle_cpu1 = 0;
    int idle_workers_seen = 0;
    for_ready([&](TaskSlot& s) {
        if (s.submitter) return;
        idle_cpu0 += read_usage(s.cpu_clock, s.tid).cpu_ns;
        ++idle_workers_seen;
    });
    const auto i0 = Clock::now();
    std::this_thread::sleep_for(kIdleProbe);
    for_ready([&](TaskSlot& s) {
        if (!s.submitter) idle_cpu1 += read_usage(s.cpu_clock, s.tid).cpu_ns;
    });
    const double idle_ns = std::chrono::duration<double, std::nano>(Clock::now() - i0).count();

    nlohmann::json steals = nullptr, joined = true;
    if constexpr (CountsSteals<PoolT<typename Run::Job>>) steals = run->pool().steals();
    const auto s0 = Clock::now();
    run->pool().shutdown();
    const double shutdown_ns = std::chrono::duration<double, std::nano>(Clock::now() - s0).count();
    if constexpr (ReportsJoin<PoolT<typename Run::Job>>) joined = run->pool().joined();
    run->destroy_pool();

    PoolOutcome out;
    out.window_ns = std::chrono::duration<double, std::nano>(w1 - w0).count();
    out.startup_ns = startup_ns;
    out.drain_ns = std::max(0.0, drain_ns);  // a submitter may finish as the clock is read
    out.shutdown_ns = shutdown_ns;
    out.idle_cpu_fraction = static_cast<double>(idle_cpu1 - std::min(idle_cpu0, idle_cpu1)) /
                            (idle_ns * std::max(idle_workers_seen, 1));
    out.idle_workers_seen = idle_workers_seen;
    out.drained = all_drained;
    out.steals = steals;
    out.joined = joined;
    out.tree = cfg.tree;
    out.sample_every = cfg.sample_every;
    out.drain_limit_ms = std::chrono::duration_cast<std::chrono::milliseconds>(kDrainLimit).count();
    Sample sample = pool_sample(c, slots, out);
    if (!stall.empty()) sample.fail(stall);
    return sample;
}

}  // namespace contend::pool
