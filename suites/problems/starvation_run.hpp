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
// (starved_writers, starved_readers), and fairness within each role
// (reader_jain, writer_jain). Starvation is a measurement here, not
// a failure: only a broken reader-writer invariant makes a sample invalid.
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
// Validation: the seqlock-style reader-writer check of locks.rw
// (suites/locks/rw_check.hpp).
#include <memory>
#include <string>

#include "harness/stats.hpp"
#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/lock_workload.hpp"
#include "suites/locks/rw_check.hpp"

namespace contend::starvation {

using locks::Isolated;
using locks::RwGuarded;

struct alignas(kCacheLine) StarvationThreadStats {
    std::uint64_t acquisitions = 0;  // all, warm-up included, for validation
    std::uint64_t censored = 0;      // waits still going on when the window closed
    std::uint64_t open_at_stop = 0;  // ticks, the longest of those
    std::uint64_t violations = 0;
    std::uint64_t longest_wait = 0;  // ticks, of the recorded waits
    LatencyHistogram wait;
};

struct StarvationDelays {
    std::uint64_t read_cs = 0, read_think = 0, write_cs = 0, write_think = 0;
    nlohmann::json report = nlohmann::json::object();
};

inline StarvationDelays starvation_delays(const CaseConfig& c) {
    StarvationDelays d;
    auto one = [&](const char* name, std::uint64_t& iters) {
        const auto requested = c.params.integer(name);
        iters = c.busy->iterations_for(static_cast<double>(requested));
        d.report[name] = {{"requested", requested},
                          {"achieved", finite_or_null(c.busy->measure_briefly(iters))}};
    };
    one("read_cs_ns", d.read_cs);
    one("read_think_ns", d.read_think);
    one("write_cs_ns", d.write_cs);
    one("write_think_ns", d.write_think);
    return d;
}

template <SharedLockable Lock>
Sample run_starvation(const CaseConfig& c) {
    const int readers = static_cast<int>(c.params.integer("readers"));
    const StarvationDelays delays = starvation_delays(c);
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
        // One operation; returns whether it counts in the window.
        auto op = [&]() -> bool {
            const std::uint64_t t0 = cycle_clock::now();
            if (writer) {
                lock->lock.lock();
            } else {
                lock->lock.lock_shared();
            }
            const std::uint64_t t1 = cycle_clock::now();
            // Phases only move forward: read the earlier one first.
            const bool warm = ctx.warming();
            const bool in_window = !warm && ctx.measuring();
            if (writer) {
                st.violations += g.write_section([&] { spin_iterations(delays.write_cs); });
                lock->lock.unlock();
                ++st.acquisitions;
            } else {
                st.violations += g.read_section([&] { spin_iterations(delays.read_cs); });
                lock->lock.unlock_shared();
            }
            if (!warm) {
                st.wait.record(t1 - t0);
                st.longest_wait = std::max(st.longest_wait, t1 - t0);
                if (!in_window) {
                    ++st.censored;
                    st.open_at_stop = std::max(st.open_at_stop, t1 - t0);
                }
            }
            spin_iterations(writer ? delays.write_think : delays.read_think);
            return in_window;
        };
        // Not run_phases: an operation that began in the warm-up may end in
        // the window (it counts there), and one that ends after the stop
        // flag must not count.
        std::uint64_t ops = 0;
        ctx.wait_start();
        while (ctx.warming()) ops += op();
        ctx.begin_window();
        while (ctx.measuring()) ops += op();
        ctx.end_window(ops);
    });

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
        (writer ? write_wait : read_wait).merge(st.wait);
        ts.extra = {{writer ? "writes" : "reads", ts.ops},
                    {"longest_wait_ns", finite_or_null(st.longest_wait / c.clock->ticks_per_ns)},
                    {"waiting_at_stop", st.censored > 0}};
    }
    // The harness's jain_index mixes the roles (a writer's exclusive
    // sections are meant to be fewer than the readers' shared ones); the
    // fair comparison is within a role.
    for (const char* role : {"reader", "writer"}) {
        std::vector<double> ops;
        for (const auto& t : s.threads)
            if (t.role == role) ops.push_back(static_cast<double>(t.ops));
        const Fairness f = fairness(ops);
        s.metrics[std::string(role) + "_jain"] =
            f.jain ? finite_or_null(*f.jain) : nlohmann::json(nullptr);
    }
    const double window_s = s.window_ns * 1e-9;
    s.latencies = {{"write_wait", write_wait}, {"read_wait", read_wait}};
    s.sample_every = 1;
    s.delays = delays.report;
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
        censored ? finite_or_null(open_at_stop / c.clock->ticks_per_ns) : nlohmann::json(nullptr);
    locks::check_rw_exclusion(s, *guarded, violations, write_acq);
    return s;
}

}  // namespace contend::starvation
