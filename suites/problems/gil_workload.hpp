#pragma once
// problems.gil — threads run "tasks" of an interpreter: a CPU part executed in
// small units ("bytecodes", `unit_ns` of busy work each) and an I/O part
// (`io_pct` % of the task's `task_us`) spent blocked in the kernel
// (clock_nanosleep, standing in for a read or a socket wait).
//
// With the GIL (gil_model.hpp) a thread must hold the global lock to execute
// a unit; it polls the drop request between units, is forced to hand over
// after each switch interval, and releases the lock around its I/O. Without
// it (the no_gil baseline) the very same units and sleeps run freely.
// Methodology: time-based window (thread_team.hpp); one operation = one unit
// of CPU work (tasks started in the window count all their units), so a
// thread's share of the work is exact even when turns are long; tasks/s is
// reported beside. A thread keeps the GIL across tasks as an interpreter
// thread would, and
// releases it for good only when the window is over. Waits for the GIL and
// holds of it are timed with the cycle counter on every acquisition. A
// unit's busy work is the team's delay (TeamConfig::delays), calibrated by
// each thread on its own CPU, 1 in 64 units timed as they run
// (SampledDelay); every I/O wait in the window is timed.
//
// Validation (GIL only): an owner marker must be ours during every unit and a
// unit counter updated with a plain load+store under the GIL must equal the
// units executed (mutual exclusion); a thread that dropped the GIL on request
// must not get it back before another thread has held it (forced switching).
#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <memory>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/delays.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "harness/unguarded_increment.hpp"
#include "suites/problems/gil_model.hpp"

namespace contend::problems {

// What one task does, derived from the parameters.
struct GilTask {
    std::int64_t cpu_ns = 0;   // requested CPU part
    std::int64_t io_ns = 0;    // requested blocked part (0: CPU-bound)
    std::int64_t unit_ns = 0;  // busy work of one unit, the team's one delay
    std::uint64_t units = 1;   // CPU units per task (the CPU part / unit_ns, at least 1)

    static GilTask from(const ParamPoint& p, int io_pct) {
        GilTask t;
        const std::int64_t task_ns = p.integer("task_us") * 1000;
        t.io_ns = task_ns * io_pct / 100;
        t.cpu_ns = task_ns - t.io_ns;
        t.unit_ns = p.integer("unit_ns");
        t.units = static_cast<std::uint64_t>(std::max<std::int64_t>(
            1, std::llround(static_cast<double>(t.cpu_ns) / static_cast<double>(t.unit_ns))));
        return t;
    }
};

// A task's I/O: the thread sleeps in the kernel, as it would in read().
inline void block_for_ns(std::int64_t ns) {
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {
    }
}

struct alignas(kCacheLine) GilThreadStats {
    std::uint64_t units_all = 0;  // every phase: for the unit-counter check
    std::uint64_t units = 0;      // measured window only, as everything below
    std::uint64_t tasks = 0;
    std::uint64_t takes = 0, handovers = 0, forced_drops = 0;
    std::uint64_t violations = 0;
    std::uint64_t retakes_after_forced_drop = 0;  // forced switching broken
    LatencyHistogram gil_wait, hold, task;
    // The I/O waits as they ran (achieved[0], every one in the window timed:
    // two counter reads beside a sleep), reported like a busy-work delay.
    ThreadDelays io;
};

// The state the GIL guards, on a line of its own.
struct alignas(kCacheLine) GilGuarded {
    std::atomic<int> owner{-1};
    std::atomic<std::uint64_t> units{0};
};

template <bool kWithGil>
Sample run_gil(const CaseConfig& c, int io_pct) {
    const GilTask task = GilTask::from(c.params, io_pct);
    const auto interval = std::chrono::microseconds(c.params.integer("switch_us"));
    auto gil = std::make_unique<GlobalInterpreterLock>(interval);
    auto guarded = std::make_unique<GilGuarded>();
    std::vector<GilThreadStats> stats(c.threads);

    TeamConfig cfg = team_config(c);
    cfg.latency_ns = 0;  // the manual protocol: waits and holds are timed in the window
    cfg.delays = {{"unit_ns", static_cast<double>(task.unit_ns)}};
    Team team(cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        // Sleeps end when asked, not up to 50 µs later (the default timer
        // slack), so the I/O part lasts what it says.
        prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        const int me = ctx.tid();
        auto& st = stats[me];
        auto& g = *guarded;
        SampledDelay unit = ctx.sampled_delay(0);
        bool holding = false;
        bool must_hand_over = false;  // dropped on request: someone else held it since
        std::uint64_t held_since = 0;
        auto acquire = [&](bool measured) {
            const std::uint64_t t0 = cycle_clock::now();
            const bool handover = gil->take(me);
            held_since = cycle_clock::now();
            holding = true;
            st.retakes_after_forced_drop += must_hand_over && !handover;
            must_hand_over = false;
            if (g.owner.load(std::memory_order_relaxed) != -1) ++st.violations;
            g.owner.store(me, std::memory_order_relaxed);
            if (measured) {
                st.gil_wait.record(held_since - t0);
                ++st.takes;
                st.handovers += handover;
            }
        };
        auto release = [&](bool measured, bool final_release) {
            if (g.owner.load(std::memory_order_relaxed) != me) ++st.violations;
            g.owner.store(-1, std::memory_order_relaxed);
            holding = false;
            if (measured) st.hold.record(cycle_clock::now() - held_since);
            const bool forced = gil->drop(final_release);
            must_hand_over = forced;
            st.forced_drops += measured && forced;
        };
        auto op = [&](bool measured) {
            const std::uint64_t start = cycle_clock::now();
            if constexpr (kWithGil)
                if (!holding) acquire(measured);
            for (std::uint64_t u = 0; u < task.units; ++u) {
                unit();
                if constexpr (kWithGil) {
                    if (g.owner.load(std::memory_order_relaxed) != me) ++st.violations;
                    unguarded_increment(g.units);
                    if (gil->drop_requested()) {  // the eval breaker
                        release(measured, false);
                        acquire(measured);
                    }
                }
                ++st.units_all;
                st.units += measured;
            }
            if (task.io_ns > 0) {
                if constexpr (kWithGil) release(measured, false);
                const std::uint64_t t0 = cycle_clock::now();
                block_for_ns(task.io_ns);
                if (measured) st.io.achieved[0].record(cycle_clock::now() - t0);
                if constexpr (kWithGil) acquire(measured);
            }
            if (measured) {
                st.task.record(cycle_clock::now() - start);
                ++st.tasks;
            }
        };
        // run_phases counts one operation per call; the work here is counted in units.
        ctx.wait_start();
        while (ctx.warming()) op(false);
        ctx.begin_window();
        while (ctx.measuring()) op(true);
        ctx.end_window(st.units);
        if (holding) release(false, true);
    });

    const double ticks_per_ns = c.clock->ticks_per_ns;
    const double window_s = s.window_ns / 1e9;
    std::uint64_t units = 0, units_all = 0, tasks = 0, takes = 0, handovers = 0, forced = 0,
                  violations = 0, retakes = 0;
    std::vector<const ThreadDelays*> io;
    int idle_threads = 0;
    LatencyHistogram wait, hold, task_hist;
    for (int t = 0; t < c.threads; ++t) {
        const auto& st = stats[t];
        units += st.units;
        units_all += st.units_all;
        tasks += st.tasks;
        takes += st.takes;
        handovers += st.handovers;
        forced += st.forced_drops;
        io.push_back(&st.io);
        violations += st.violations;
        retakes += st.retakes_after_forced_drop;
        idle_threads += st.units == 0;
        wait.merge(st.gil_wait);
        hold.merge(st.hold);
        task_hist.merge(st.task);
        s.threads[t].extra = {{"tasks", st.tasks}, {"gil_takes", st.takes}};
    }
    auto per_s = [&](double v) { return finite_or_null(window_s > 0 ? v / window_s : NAN); };
    if constexpr (kWithGil)
        s.latencies = {{"gil_wait", wait}, {"task", task_hist}, {"hold", hold}};
    else
        s.latencies = {{"task", task_hist}};
    s.metrics["units_per_task"] = task.units;
    s.metrics["tasks_per_s"] = per_s(static_cast<double>(tasks));
    s.metrics["gil_takes_per_s"] =
        kWithGil ? per_s(static_cast<double>(takes)) : nlohmann::json(nullptr);
    s.metrics["gil_handovers_per_s"] =
        kWithGil ? per_s(static_cast<double>(handovers)) : nlohmann::json(nullptr);
    s.metrics["forced_switches_per_s"] =
        kWithGil ? per_s(static_cast<double>(forced)) : nlohmann::json(nullptr);
    s.metrics["gil_hold_ns_median"] =
        finite_or_null(hold.count() ? hold.percentile(50) / ticks_per_ns : NAN);
    // unit_ns is the team's delay (Team reported it); the I/O part is a
    // sleep, timed on every wait in the window: what it really lasted (timer
    // slack and wake-up latency included), in the same terms.
    s.delays.update(report_delays({{"io_ns", static_cast<double>(task.io_ns)}}, io, ticks_per_ns,
                                  c.clock->overhead_ns_median));
    s.row_extra["io_pct_applied"] = io_pct;

    if constexpr (kWithGil) {
        // Forced switching is checked exactly: a holder that dropped on
        // request must find, when it next takes the GIL, that another thread
        // held it in between. Whether every thread ran in the window is
        // reported, not enforced: on a loaded machine the OS may not wake a
        // waiter for longer than a short window, GIL or not.
        const std::uint64_t counted = guarded->units.load();
        s.checks = {{"mutual_exclusion_violations", violations},
                    {"unit_counter", counted},
                    {"expected_unit_counter", units_all},
                    {"retakes_after_forced_drop", retakes},
                    {"threads_without_a_turn", idle_threads}};
        std::string what;
        auto add = [&](const std::string& x) { what += (what.empty() ? "" : "; ") + x; };
        if (violations) add(std::to_string(violations) + " owner-marker violations");
        if (counted != units_all)
            add("unit counter " + std::to_string(counted) + " != units " +
                std::to_string(units_all) + " (two threads executed at once)");
        if (retakes)
            add(std::to_string(retakes) +
                " forced drops were followed by the same thread re-taking the GIL "
                "(forced switching failed)");
        if (!what.empty()) {
            s.fail("global interpreter lock broken: " + what);
        } else if (idle_threads) {
            s.detail = std::to_string(idle_threads) + " of " + std::to_string(c.threads) +
                       " threads executed nothing in the window";
        }
    }
    return s;
}

}  // namespace contend::problems
