#pragma once
// locks.contention — N threads take one lock in a loop: acquire, write
// `cs_lines` shared cache lines and busy-work `cs_ns`, release, busy-work
// `think_ns`. Methodology: time-based window (see thread_team.hpp); the
// acquire wait (request → granted) and the hold time are timed with the cycle
// counter on 1 in `sample_every` operations; sweeping think_ns matters because
// with no think time an unfair lock looks fast (the releasing thread re-takes
// it from its own cache).
//
// Validation while measuring: an owner marker must be free on entry and still
// ours on exit (mutual exclusion), and a counter incremented non-atomically
// under the lock must equal the number of acquisitions (no lost update).
#include <memory>

#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/lock_workload.hpp"

namespace contend::locks {

struct alignas(kCacheLine) ContentionThreadStats {
    std::uint64_t acquisitions = 0;  // all of them, warm-up included (for validation)
    std::uint64_t handoffs = 0;      // measured acquisitions that changed owner
    std::uint64_t longest_run = 0;   // longest streak of same-owner acquisitions seen
    std::uint64_t violations = 0;
    LatencyHistogram wait, hold;
};

// State guarded by the lock, on a line of its own.
struct alignas(kCacheLine) ContentionGuarded {
    std::atomic<int> owner{kNoOwner};
    std::atomic<int> last_owner{kNoOwner};
    std::atomic<std::uint64_t> same_owner_run{0};
    std::atomic<std::uint64_t> counter{0};
};

template <Lockable Lock>
Sample run_contention(const CaseConfig& c) {
    const Delays delays = calibrate_delays(c);
    const auto n_lines = static_cast<std::size_t>(c.params.integer("cs_lines"));
    auto lock = std::make_unique<Isolated<Lock>>();
    auto guarded = std::make_unique<ContentionGuarded>();
    std::vector<GuardedLine> lines(n_lines);
    std::vector<ContentionThreadStats> stats(c.threads);

    Team team(team_config(c));
    Sample s = team.run([&](ThreadContext& ctx) {
        const int me = ctx.tid();
        auto& st = stats[me];
        auto& g = *guarded;
        Sampler sampler(c.sample_every);
        auto op = [&](bool measured) {
            const bool timed = sampler.take(measured);
            const std::uint64_t t0 = timed ? cycle_clock::now() : 0;
            lock->lock.lock();
            const std::uint64_t t1 = timed ? cycle_clock::now() : 0;
            if (g.owner.load(std::memory_order_relaxed) != kNoOwner) ++st.violations;
            g.owner.store(me, std::memory_order_relaxed);
            // Runs count measured acquisitions only, so the warm-up cannot
            // lengthen them; a run of one is a run too.
            std::uint64_t run = measured;
            if (g.last_owner.load(std::memory_order_relaxed) != me) {
                g.last_owner.store(me, std::memory_order_relaxed);
                st.handoffs += measured;
            } else {
                run += g.same_owner_run.load(std::memory_order_relaxed);
            }
            g.same_owner_run.store(run, std::memory_order_relaxed);
            if (run > st.longest_run) st.longest_run = run;
            for (auto& line : lines) unguarded_increment(line.value);
            spin_iterations(delays.cs_iters);
            unguarded_increment(g.counter);
            if (g.owner.load(std::memory_order_relaxed) != me) ++st.violations;
            g.owner.store(kNoOwner, std::memory_order_relaxed);
            const std::uint64_t t2 = timed ? cycle_clock::now() : 0;
            lock->lock.unlock();
            ++st.acquisitions;
            if (timed) {
                st.wait.record(t1 - t0);
                st.hold.record(t2 - t1);
            }
            spin_iterations(delays.think_iters);
        };
        ctx.run_phases(op);
    });

    std::uint64_t acquisitions = 0, handoffs = 0, longest = 0, violations = 0;
    LatencyHistogram wait, hold;
    for (std::size_t t = 0; t < stats.size(); ++t) {
        const auto& st = stats[t];
        acquisitions += st.acquisitions;
        handoffs += st.handoffs;
        longest = std::max(longest, st.longest_run);
        violations += st.violations;
        wait.merge(st.wait);
        hold.merge(st.hold);
        s.threads[t].extra = {{"handoffs", st.handoffs}};
    }
    const std::uint64_t measured_ops = s.total_ops();
    s.latencies = {{"acquire_wait", wait}, {"hold", hold}};
    s.sample_every = c.sample_every;
    s.delays = delays.report;
    s.metrics["handoff_rate"] =
        finite_or_null(measured_ops ? double(handoffs) / double(measured_ops) : NAN);
    s.metrics["longest_same_owner_run"] = longest;
    s.metrics["hold_ns_median"] =
        finite_or_null(hold.count() ? hold.percentile(50) / c.clock->ticks_per_ns : NAN);

    const std::uint64_t counter = guarded->counter.load();
    bool lines_ok = true;
    for (const auto& line : lines) lines_ok &= line.value.load() == acquisitions;
    s.checks = {{"mutual_exclusion_violations", violations},
                {"counter", counter},
                {"expected_counter", acquisitions},
                {"cs_lines_consistent", lines_ok}};
    if (!c.primitive->mutual_exclusion) {
        s.detail = "no mutual exclusion claimed by this primitive: checks recorded, not enforced";
    } else if (violations || counter != acquisitions || !lines_ok) {
        s.valid = false;
        std::string what;
        auto add = [&](const std::string& x) { what += (what.empty() ? "" : "; ") + x; };
        if (violations) add(std::to_string(violations) + " owner-marker violations");
        if (counter != acquisitions)
            add("counter " + std::to_string(counter) + " != acquisitions " +
                std::to_string(acquisitions) + " (lost updates)");
        if (!lines_ok) add("a cs_lines line lost updates");
        s.detail = "mutual exclusion broken: " + what;
    }
    return s;
}

}  // namespace contend::locks
