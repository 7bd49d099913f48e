#pragma once
// threads.tls — N threads count events into one counter, each strategy a
// primitive (shared atomic, packed or padded per-thread slots, thread_local
// merged at join, per-CPU shards). Methodology: the harness's time-based
// window (thread_team.hpp); an operation is one increment, or, with
// read_pct > 0, a read of the live total with that probability (a per-thread
// xorshift draw, so the mix is the same for every strategy); `think_ns` of
// calibrated busy work separates operations (0: the counter is all there is).
// Throughput is operations per second in the window; per-thread counts give
// fairness.
//
// Validation: after the threads have retired their writers and joined, the
// counter's total must equal the increments the threads made — warm-up ones
// included, since the counter cannot tell them apart. Every live read must be
// no lower than the reading thread's own increments so far and no lower than
// its previous read (the total only grows).
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "suites/threads/tls_counter_concept.hpp"

namespace contend::tls {

struct alignas(kPaddedSlotBytes) TlsThreadStats {
    std::uint64_t increments = 0;           // every phase: what the counter must hold
    std::uint64_t measured_increments = 0;  // in the window
    std::uint64_t measured_reads = 0;
    std::uint64_t read_violations = 0;  // reads below an earlier read or own increments
};

template <ThreadCounter C>
Sample run_tls(const CaseConfig& c) {
    const auto read_pct = static_cast<std::uint64_t>(c.params.integer("read_pct"));
    const auto think_ns = c.params.integer("think_ns");

    auto counter = std::make_unique<C>(c.threads);
    std::vector<TlsThreadStats> stats(static_cast<std::size_t>(c.threads));

    TeamConfig cfg = team_config(c);
    cfg.delays = {{"think_ns", static_cast<double>(think_ns)}};
    Team team(cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        auto& st = stats[static_cast<std::size_t>(ctx.tid())];
        auto writer = counter->writer(ctx.tid());
        std::uint64_t increments = 0, measured_increments = 0, measured_reads = 0;
        std::uint64_t last_read = 0, violations = 0;
        std::uint64_t rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(ctx.tid() + 1);
        const Delay think = ctx.delay(0);
        auto op = [&](auto clk) {
            const bool measured = ctx.in_window();
            if (read_pct != 0) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                if (rng % 100 < read_pct) {
                    if constexpr (LiveReadCounter<C>) {
                        const std::uint64_t v = counter->read();
                        violations += v < last_read || v < increments;
                        last_read = v;
                    }
                    measured_reads += measured;
                    think(clk);
                    return;
                }
            }
            writer.increment();
            ++increments;
            measured_increments += measured;
            think(clk);
        };
        ctx.run(op);
        counter->retire(writer);
        st.increments = increments;
        st.measured_increments = measured_increments;
        st.measured_reads = measured_reads;
        st.read_violations = violations;
    });

    std::uint64_t expected = 0, incs = 0, reads = 0, violations = 0;
    for (std::size_t t = 0; t < stats.size(); ++t) {
        const auto& st = stats[t];
        expected += st.increments;
        incs += st.measured_increments;
        reads += st.measured_reads;
        violations += st.read_violations;
        s.threads[t].extra = {{"increments", st.measured_increments}, {"reads", st.measured_reads}};
    }
    const std::uint64_t total = counter->total();
    const double seconds = s.window_ns * 1e-9;
    s.metrics["increments_per_s"] = finite_or_null(static_cast<double>(incs) / seconds);
    s.metrics["reads_per_s"] = finite_or_null(static_cast<double>(reads) / seconds);
    s.metrics["counter_bytes"] = counter->footprint_bytes();
    s.checks = {
        {"final_total", total}, {"expected_total", expected}, {"read_violations", violations}};
    if (total != expected || violations != 0) {
        std::string what;
        if (total != expected)
            what = "final count " + std::to_string(total) + " != " + std::to_string(expected) +
                   " increments made (" + (total < expected ? "lost updates" : "counted twice") +
                   ")";
        if (violations != 0)
            what += std::string(what.empty() ? "" : "; ") + std::to_string(violations) +
                    " live reads went backwards or missed the reader's own increments";
        s.fail("count not exact: " + what);
    }
    return s;
}

}  // namespace contend::tls
