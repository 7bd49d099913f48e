#pragma once
// locks.rw — N threads each pick read (probability read_pct %) or write per
// operation from a private xorshift stream, take the lock shared or
// exclusive, busy-work `cs_ns`, release, busy-work `think_ns`. Read and write
// throughput and wait percentiles are reported separately: a reader-preferring
// lock can post high totals while its writers starve.
//
// Validation: the harness's seqlock-style reader-writer check
// (harness/rw_exclusion_check.hpp).
#include <atomic>
#include <memory>
#include <type_traits>
#include <vector>

#include "harness/cs_think_delays.hpp"
#include "harness/isolated.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/rw_exclusion_check.hpp"
#include "harness/thread_team.hpp"
#include "suites/locks/lock_concepts.hpp"

namespace contend::locks {

// Stress mode only: what a thread waits for or holds, so the stall watch can
// tell a lost wake-up from a lock that is in use (TeamConfig::available).
// The measured loop never writes it: a shared store per operation would add
// the very traffic a reader-writer lock is chosen to avoid.
// Releases: inside unlock() or unlock_shared(), which may itself sleep
// before its wake-up is done (absl::Mutex's release path does): the lock
// does not count as free until the release has returned.
enum class RwState : int { Idle, WaitsToRead, WaitsToWrite, Reads, Writes, Releases };
struct alignas(kCacheLine) RwStateSlot {
    std::atomic<RwState> state{RwState::Idle};
};

struct alignas(kCacheLine) RwThreadStats {
    std::uint64_t reads = 0, writes = 0;   // measured
    std::uint64_t write_acquisitions = 0;  // all, for validation
    std::uint64_t violations = 0;
    LatencyHistogram read_wait, write_wait;
};

template <SharedLockable Lock>
Sample run_rw(const CaseConfig& c) {
    const auto read_pct = static_cast<std::uint64_t>(c.params.integer("read_pct"));
    auto lock = std::make_unique<Isolated<Lock>>();
    auto guarded = std::make_unique<RwGuarded>();
    std::vector<RwThreadStats> stats(c.threads);

    TeamConfig cfg = team_config(c);
    cfg.delays = cs_think_delays(c);
    // Stress mode: a writer asleep while nobody holds the lock, or a reader
    // asleep while no writer holds or waits for it, is a lost wake-up.
    std::vector<RwStateSlot> states(c.threads);
    cfg.available = [&](int t, const std::vector<ThreadSlot>&) {
        const RwState mine = states[t].state.load(std::memory_order_relaxed);
        for (const auto& other : states) {
            const RwState s = other.state.load(std::memory_order_relaxed);
            if (s == RwState::Reads || s == RwState::Writes || s == RwState::Releases) return false;
            if (mine == RwState::WaitsToRead && s == RwState::WaitsToWrite) return false;
        }
        return mine == RwState::WaitsToRead || mine == RwState::WaitsToWrite;
    };
    Team team(cfg);
    Sample s = team.run([&](auto& ctx) {  // generic: measured and stressed (thread_team.hpp)
        constexpr bool stressed =
            std::is_same_v<std::remove_cvref_t<decltype(ctx)>, StressedContext>;
        const int me = ctx.tid();
        auto& st = stats[me];
        auto& state = states[me].state;
        auto mark = [&](RwState now) {
            if constexpr (stressed) state.store(now, std::memory_order_relaxed);
        };
        auto& g = *guarded;
        std::uint64_t rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(me + 1);
        const Delay cs_delay = ctx.delay(kCsDelay), think = ctx.delay(kThinkDelay);
        auto op = [&](auto clk) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            const bool read = rng % 100 < read_pct;
            auto cs = [&] { cs_delay(clk); };
            const std::uint64_t t0 = clk.now();
            if (read) {
                mark(RwState::WaitsToRead);
                lock->value.lock_shared();
                const std::uint64_t t1 = clk.now();
                mark(RwState::Reads);
                st.violations += g.read_section(cs);
                mark(RwState::Releases);
                lock->value.unlock_shared();
                mark(RwState::Idle);
                if constexpr (decltype(clk)::timed) st.read_wait.record(t1 - t0);
                st.reads += ctx.in_window();
            } else {
                mark(RwState::WaitsToWrite);
                lock->value.lock();
                const std::uint64_t t1 = clk.now();
                mark(RwState::Writes);
                st.violations += g.write_section(cs);
                mark(RwState::Releases);
                lock->value.unlock();
                mark(RwState::Idle);
                ++st.write_acquisitions;
                if constexpr (decltype(clk)::timed) st.write_wait.record(t1 - t0);
                st.writes += ctx.in_window();
            }
            think(clk);
        };
        ctx.run(op);
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
        read_wait.merge(st.read_wait, latency_weight(s, t));
        write_wait.merge(st.write_wait, latency_weight(s, t));
        s.threads[t].extra = {{"reads", st.reads}, {"writes", st.writes}};
    }
    // A thread that wanted to write (read_pct < 100) but got no write in the
    // whole window is a starved writer.
    if (read_pct < 100)
        for (const auto& st : stats) writers_starved += st.writes == 0;
    const double window_s = s.window_ns * 1e-9;
    // Writer wait first: it is the figure a reader-preferring lock hides.
    s.latencies = {{"write_wait", write_wait}, {"read_wait", read_wait}};
    s.metrics["read_ops"] = reads;
    s.metrics["write_ops"] = writes;
    s.metrics["read_ops_per_s"] = finite_or_null(double(reads) / window_s);
    s.metrics["write_ops_per_s"] = finite_or_null(double(writes) / window_s);
    s.metrics["threads_without_a_write"] = writers_starved;
    check_rw_exclusion(s, *guarded, violations, write_acq);
    return s;
}

// The scenario as the lock binder sees it (lock_binder.hpp): its name,
// the locks it runs (those with lock_shared), and its run; describe() (its
// parameters) is in rw_scenario.cpp.
struct RwBinding {
    static constexpr const char* name = "locks.rw";
    static void describe(Registry& r);
    template <class L>
    static constexpr bool accepts = SharedLockable<L>;
    template <class L>
    static Sample run(const CaseConfig& c) {
        return run_rw<L>(c);
    }
};

}  // namespace contend::locks
