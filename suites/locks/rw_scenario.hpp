#pragma once
// locks.rw — N threads each pick read (probability read_pct %) or write per
// operation from a private xorshift stream, take the lock shared or
// exclusive, busy-work `cs_ns`, release, busy-work `think_ns`. Read and write
// throughput and wait percentiles are reported separately: a reader-preferring
// lock can post high totals while its writers starve.
//
// Validation: the seqlock-style reader-writer check of rw_check.hpp.
#include <memory>

#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/lock_workload.hpp"
#include "suites/locks/rw_check.hpp"

namespace contend::locks {

struct alignas(kCacheLine) RwThreadStats {
    std::uint64_t reads = 0, writes = 0;   // measured
    std::uint64_t write_acquisitions = 0;  // all, for validation
    std::uint64_t violations = 0;
    LatencyHistogram read_wait, write_wait;
};

template <SharedLockable Lock>
Sample run_rw(const CaseConfig& c) {
    const Delays delays = calibrate_delays(c);
    const auto read_pct = static_cast<std::uint64_t>(c.params.integer("read_pct"));
    auto lock = std::make_unique<Isolated<Lock>>();
    auto guarded = std::make_unique<RwGuarded>();
    std::vector<RwThreadStats> stats(c.threads);

    Team team(team_config(c));
    Sample s = team.run([&](ThreadContext& ctx) {
        const int me = ctx.tid();
        auto& st = stats[me];
        auto& g = *guarded;
        Sampler sampler(c.sample_every);
        std::uint64_t rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(me + 1);
        auto op = [&](bool measured) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            const bool read = rng % 100 < read_pct;
            const bool timed = sampler.take(measured);
            const std::uint64_t t0 = timed ? cycle_clock::now() : 0;
            if (read) {
                lock->lock.lock_shared();
                const std::uint64_t t1 = timed ? cycle_clock::now() : 0;
                st.violations += g.read_section(delays.cs_iters);
                lock->lock.unlock_shared();
                if (timed) st.read_wait.record(t1 - t0);
                st.reads += measured;
            } else {
                lock->lock.lock();
                const std::uint64_t t1 = timed ? cycle_clock::now() : 0;
                st.violations += g.write_section(delays.cs_iters);
                lock->lock.unlock();
                ++st.write_acquisitions;
                if (timed) st.write_wait.record(t1 - t0);
                st.writes += measured;
            }
            spin_iterations(delays.think_iters);
        };
        ctx.run_phases(op);
    });

    std::uint64_t reads = 0, writes = 0, write_acq = 0, violations = 0;
    LatencyHistogram read_wait, write_wait;
    int writers_starved = 0;
    for (std::size_t t = 0; t < stats.size(); ++t) {
        const auto& st = stats[t];
        reads += st.reads;
        writes += st.writes;
        write_acq += st.write_acquisitions;
        violations += st.violations;
        read_wait.merge(st.read_wait);
        write_wait.merge(st.write_wait);
        s.threads[t].extra = {{"reads", st.reads}, {"writes", st.writes}};
    }
    // A thread that wanted to write (read_pct < 100) but got no write in the
    // whole window is a starved writer.
    if (read_pct < 100)
        for (const auto& st : stats) writers_starved += st.writes == 0;
    const double window_s = s.window_ns * 1e-9;
    // Writer wait first: it is the figure a reader-preferring lock hides.
    s.latencies = {{"write_wait", write_wait}, {"read_wait", read_wait}};
    s.sample_every = c.sample_every;
    s.delays = delays.report;
    s.metrics["read_ops"] = reads;
    s.metrics["write_ops"] = writes;
    s.metrics["read_ops_per_s"] = finite_or_null(double(reads) / window_s);
    s.metrics["write_ops_per_s"] = finite_or_null(double(writes) / window_s);
    s.metrics["threads_without_a_write"] = writers_starved;
    check_rw_exclusion(s, *guarded, violations, write_acq);
    return s;
}

}  // namespace contend::locks
