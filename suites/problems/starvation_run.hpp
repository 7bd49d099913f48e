#pragma once
// problems.starvation — one rw lock, `readers` threads that only read and
// `writers` threads that only write. A reader holds the lock shared for
// read_cs_ns and thinks read_think_ns; with several readers whose sections
// overlap, the lock is read-held almost continuously, which is exactly the
// load under which a reader-preferring lock never lets a writer in. A writer
// holds it exclusive for write_cs_ns and thinks write_think_ns.
//
// The question is the writers' lot: write ops/s and the wait from asking
// for the lock to getting it (p50..max, latency "write_wait", then
// "read_wait"), and how many threads got nothing at all in the window
// (starved_writers, starved_readers). Every thread has its role, so the
// harness adds the fairness within each role (reader_jain_index,
// writer_jain_index; null when a role's fair share is too small to tell
// fairness from the scheduler's quantum, which a starved role's is: its lot
// is then in the figures above). Starvation is a measurement here, not a
// failure: only a broken reader-writer invariant makes a sample invalid.
//
// Windowing, made for threads that may wait through the whole window:
// an operation counts when its acquisition completes inside the window; a
// wait is recorded when it ends inside the window or is still going on when
// the window closes. At the stop flag the readers leave, which lets a
// starved writer in: its wait (a lower bound of the real one, since the
// read load stopped) is recorded and counted in write_waits_censored, and
// the team joins (write_wait_open_at_stop_ns is the longest such wait: when
// it is the maximum, the true worst case is unknown). Every operation is
// timed (sample_every does not apply): a starved writer has a handful of
// waits, and sampling would lose them.
//
// Delays: a reader's pair (read_cs_ns, read_think_ns) is not a writer's, and
// TeamConfig::delays is one list for the whole team, so each worker prepares
// its own role's pair on its own CPU before the start barrier (as Team does
// for TeamConfig::delays) and runs them as Team's operations do
// (ctx.delay's Delay, with a real clock on 1 in N operations, N by the
// harness's timing budget); report_delays reports each role's pair from the
// workers of that role.
//
// Validation: the harness's seqlock-style reader-writer check
// (harness/rw_exclusion_check.hpp).
#include <memory>
#include <string>
#include <vector>

#include "harness/delays.hpp"
#include "harness/isolated.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/rw_exclusion_check.hpp"
#include "harness/thread_team.hpp"
#include "suites/locks/lock_concepts.hpp"

namespace contend::starvation {

struct alignas(kCacheLine) StarvationThreadStats {
    std::uint64_t acquisitions = 0;  // all, warm-up included, for validation
    std::uint64_t censored = 0;      // waits still going on when the window closed
    std::uint64_t open_at_stop = 0;  // ticks, the longest of those
    std::uint64_t violations = 0;
    std::uint64_t longest_wait = 0;  // ticks, of the recorded waits
    LatencyHistogram wait;
    ThreadDelays delays;  // its role's pair, in RoleDelay order
};

// A role's delays, in ThreadDelays order.
enum RoleDelay : std::size_t { kCs = 0, kThink = 1 };

inline std::vector<DelayRequest> role_delays(const CaseConfig& c, bool writer) {
    const char* cs = writer ? "write_cs_ns" : "read_cs_ns";
    const char* think = writer ? "write_think_ns" : "read_think_ns";
    return {{cs, static_cast<double>(c.params.integer(cs))},
            {think, static_cast<double>(c.params.integer(think))}};
}

template <SharedLockable Lock>
Sample run_starvation(const CaseConfig& c) {
    const int readers = static_cast<int>(c.params.integer("readers"));
    const std::vector<DelayRequest> delays[2] = {role_delays(c, false), role_delays(c, true)};
    auto lock = std::make_unique<Isolated<Lock>>();
    auto guarded = std::make_unique<RwGuarded>();
    std::vector<StarvationThreadStats> stats(c.threads);

    TeamConfig cfg = team_config(c);
    cfg.latency_ns = 0;  // every operation is timed in the window (see above)
    Team team(cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        const int me = ctx.tid();
        const bool writer = me >= readers;  // readers first, then writers
        auto& st = stats[me];
        auto& g = *guarded;
        prepare_delays(delays[writer], st.delays);
        const Delay cs{st.delays.ticks[kCs], &st.delays.achieved[kCs]};
        const Delay think{st.delays.ticks[kThink], &st.delays.achieved[kThink]};
        // 1 in `every` operations times its two delays (four counter reads),
        // by the harness's budget rule against the delays alone: a writer's
        // rare, long operations every time, so a starved writer's few are
        // not lost, a reader's short ones a share.
        const std::uint32_t every = choose_sample_every(
            delays[writer][kCs].ns + delays[writer][kThink].ns, cfg.timer_overhead_ns, 4);
        std::uint32_t countdown = every;
        // One operation; returns whether it counts in the window.
        auto op = [&](auto clk) -> bool {
            const std::uint64_t t0 = cycle_clock::now();
            if (writer) {
                lock->value.lock();
            } else {
                lock->value.lock_shared();
            }
            const std::uint64_t t1 = cycle_clock::now();
            // Phases only move forward: read the earlier one first.
            const bool warm = ctx.warming();
            const bool in_window = !warm && ctx.measuring();
            if (writer) {
                st.violations += g.write_section([&] { cs(clk); });
                lock->value.unlock();
                ++st.acquisitions;
            } else {
                st.violations += g.read_section([&] { cs(clk); });
                lock->value.unlock_shared();
            }
            if (!warm) {
                st.wait.record(t1 - t0);
                st.longest_wait = std::max(st.longest_wait, t1 - t0);
                if (!in_window) {
                    ++st.censored;
                    st.open_at_stop = std::max(st.open_at_stop, t1 - t0);
                }
            }
            think(clk);
            return in_window;
        };
        auto next = [&]() -> bool {
            if (--countdown != 0) return op(Untimed{});
            countdown = every;
            std::uint32_t reads = 0;
            return op(Timed{&reads});
        };
        // Not run_phases: an operation that began in the warm-up may end in
        // the window (it counts there), and one that ends after the stop
        // flag must not count.
        std::uint64_t ops = 0;
        ctx.wait_start();
        while (ctx.warming()) ops += next();
        ctx.begin_window();
        while (ctx.measuring()) ops += next();
        ctx.end_window(ops);
    });

    const double tpn = c.clock->ticks_per_ns;
    std::uint64_t reads = 0, writes = 0, write_acq = 0, violations = 0, censored = 0;
    std::uint64_t open_at_stop = 0;
    int starved_readers = 0, starved_writers = 0;
    LatencyHistogram read_wait, write_wait;
    for (int t = 0; t < c.threads; ++t) {
        const auto& st = stats[t];
        const bool writer = t >= readers;
        auto& ts = s.threads[t];
        ts.role = writer ? "writer" : "reader";
        (writer ? writes : reads) += ts.ops;
        (writer ? starved_writers : starved_readers) += ts.ops == 0;
        write_acq += st.acquisitions;
        violations += st.violations;
        if (writer) {
            censored += st.censored;
            open_at_stop = std::max(open_at_stop, st.open_at_stop);
        }
        (writer ? write_wait : read_wait).merge(st.wait, latency_weight(s, t));
        ts.extra = {{writer ? "writes" : "reads", ts.ops},
                    {"longest_wait_ns", finite_or_null(st.longest_wait / tpn)},
                    {"waiting_at_stop", st.censored > 0}};
    }
    for (const bool writer : {false, true}) {
        std::vector<const ThreadDelays*> role;
        for (int t = 0; t < c.threads; ++t)
            if ((t >= readers) == writer) role.push_back(&stats[t].delays);
        s.delays.update(report_delays(delays[writer], role, tpn, c.clock->overhead_ns_median));
    }
    const double window_s = s.window_ns * 1e-9;
    s.latencies = {{"write_wait", write_wait}, {"read_wait", read_wait}};
    s.sample_every = 1;
    s.metrics["read_ops"] = reads;
    s.metrics["write_ops"] = writes;
    s.metrics["read_ops_per_s"] = finite_or_null(double(reads) / window_s);
    s.metrics["write_ops_per_s"] = finite_or_null(double(writes) / window_s);
    s.metrics["starved_writers"] = starved_writers;
    s.metrics["starved_readers"] = starved_readers;
    s.metrics["write_waits_censored"] = censored;
    // The longest writer wait that was cut short by the stop (a lower
    // bound): when it is the maximum, the real worst case is unknown.
    s.metrics["write_wait_open_at_stop_ns"] =
        censored ? finite_or_null(open_at_stop / tpn) : nlohmann::json(nullptr);
    check_rw_exclusion(s, *guarded, violations, write_acq);
    return s;
}

}  // namespace contend::starvation
