#pragma once
// locks.contention — N threads take one lock in a loop: acquire, write the
// guarded lines and busy-work `cs_ns`, release, busy-work `think_ns`.
// Methodology: the harness's protocol (thread_team.hpp) — throughput from an
// untimed window; acquire wait (request → granted) and hold time from the
// sampled latency phase. Sweeping think_ns matters because with no think time
// an unfair lock looks fast (the releasing thread re-takes it from its own
// cache).
//
// Validation while measuring, on the first guarded line (ValidationLine: so
// `cs_lines=1` writes one line, and 0 writes only that one): a held bit must
// be clear on entry (mutual exclusion), and a count of acquisitions
// incremented non-atomically under the lock must equal the acquisitions made
// (no lost update). Who acquired last is in the same word, so handoff
// accounting adds no line either; a thread's run of consecutive acquisitions
// is its own count. The `none` control claims no exclusion and runs without
// the check: it measures the harness's loop alone.
#include <atomic>
#include <memory>
#include <type_traits>
#include <vector>

#include "harness/cs_think_delays.hpp"
#include "harness/isolated.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "harness/unguarded_increment.hpp"
#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/lock_promises.hpp"
#include "suites/locks/primitives/none.hpp"
#include "suites/locks/validation_line.hpp"

namespace contend::locks {

// One cache line written inside the critical section (the `cs_lines` knob:
// how much shared data moves with the lock).
using GuardedLine = Isolated<std::atomic<std::uint64_t>>;

// Stress mode only: the thread is inside its release (see run_contention).
// The measured loop never writes it.
struct alignas(kCacheLine) ReleasingSlot {
    std::atomic<bool> now{false};
};

struct alignas(kCacheLine) ContentionThreadStats {
    std::uint64_t acquisitions = 0;  // all of them, warm-up included (for validation)
    std::uint64_t handoffs = 0;      // acquisitions in the window that changed owner
    std::uint64_t in_window = 0;     // acquisitions in the window, counted like handoffs
    std::uint64_t longest_run = 0;   // longest streak of same-owner acquisitions in the window
    std::uint64_t violations = 0;
    LatencyHistogram wait, hold;
};

template <Lockable Lock>
Sample run_contention(const CaseConfig& c) {
    const auto cs_lines = static_cast<std::size_t>(c.params.integer("cs_lines"));
    auto lock = std::make_unique<Isolated<Lock>>();
    constexpr bool validate = !std::is_same_v<Lock, NoneLock>;
    auto guarded = std::make_unique<ValidationLine>();
    std::vector<GuardedLine> lines(cs_lines > 1 ? cs_lines - 1 : 0);  // beyond the first
    std::vector<ContentionThreadStats> stats(c.threads);

    TeamConfig cfg = team_config(c);
    cfg.delays = cs_think_delays(c);
    // Stress mode: a waiter asleep while nobody is inside, and nobody is
    // releasing, is a lost wake-up. A release counts until unlock() has
    // returned: it may itself sleep before its wake-up is done. Found by
    // contend stress: absl_mutex reported stalls in 1 of 117 and 1 of 12
    // replays of two trials, and none in 300 each once a release in
    // progress counted (the releaser's sleep is inferred, not observed).
    std::vector<ReleasingSlot> releasing(c.threads);
    if constexpr (validate)
        cfg.available = [&](int, const std::vector<ThreadSlot>&) {
            for (const auto& r : releasing)
                if (r.now.load(std::memory_order_relaxed)) return false;
            return !guarded->held();
        };
    Team team(cfg);
    Sample s = team.run([&](auto& ctx) {  // generic: measured and stressed (thread_team.hpp)
        constexpr bool stressed =
            std::is_same_v<std::remove_cvref_t<decltype(ctx)>, StressedContext>;
        const int me = ctx.tid();
        auto& st = stats[me];
        auto& my_release = releasing[me].now;
        auto& g = *guarded;
        std::uint64_t run = 0;
        const Delay cs = ctx.delay(kCsDelay), think = ctx.delay(kThinkDelay);
        GuardedLine* const first_line = lines.data();
        GuardedLine* const end_line = first_line + lines.size();
        const bool busy_cs = first_line != end_line || cs.ticks != 0;
        auto op = [&](auto clk) {
            const std::uint64_t t0 = clk.now();
            lock->value.lock();
            const std::uint64_t t1 = clk.now();
            ValidationLine::Entry e{};
            if constexpr (validate) {
                e = g.enter(me);
                st.violations += e.was_held;
                // Runs count acquisitions in the window only, so the
                // warm-up cannot lengthen them.
                if (e.handoff) {
                    st.handoffs += ctx.in_window();
                    run = 0;
                }
                run += ctx.in_window();
                st.in_window += ctx.in_window();
            }
            // One test for the critical section's extra work, laid out cold:
            // with cs_lines <= 1 and cs_ns = 0 the loop runs straight through.
            if (busy_cs) [[unlikely]] {
                for (GuardedLine* l = first_line; l != end_line; ++l) unguarded_increment(l->value);
                cs(clk);
            }
            if constexpr (stressed) my_release.store(true, std::memory_order_relaxed);
            if constexpr (validate) g.leave(e, me);
            const std::uint64_t t2 = clk.now();
            lock->value.unlock();
            if constexpr (stressed) my_release.store(false, std::memory_order_relaxed);
            if constexpr (validate)
                if (ctx.in_window() && run > st.longest_run) st.longest_run = run;
            if constexpr (decltype(clk)::timed) {
                st.wait.record(t1 - t0);
                st.hold.record(t2 - t1);
            }
            think(clk);
        };
        st.acquisitions = ctx.run(op);
    });

    std::uint64_t acquisitions = 0, handoffs = 0, in_window = 0, longest = 0, violations = 0;
    LatencyHistogram wait, hold;
    for (std::size_t t = 0; t < stats.size(); ++t) {
        const auto& st = stats[t];
        acquisitions += st.acquisitions;
        handoffs += st.handoffs;
        in_window += st.in_window;
        longest = std::max(longest, st.longest_run);
        violations += st.violations;
        wait.merge(st.wait, latency_weight(s, t));
        hold.merge(st.hold, latency_weight(s, t));
        s.threads[t].extra = {{"handoffs", st.handoffs}};
    }
    s.latencies = {{"acquire_wait", wait}, {"hold", hold}};
    // Handoffs are read from the validation word: none without it.
    s.metrics["handoff_rate"] =
        finite_or_null(validate && in_window ? double(handoffs) / double(in_window) : NAN);
    s.metrics["longest_same_owner_run"] = validate ? nlohmann::json(longest) : nullptr;
    s.metrics["hold_ns_median"] =
        finite_or_null(hold.count() ? hold.percentile(50) / c.clock->ticks_per_ns : NAN);

    const std::uint64_t counter = guarded->acquisitions();
    bool lines_ok = true;
    for (const auto& line : lines) lines_ok &= line.value.load() == acquisitions;
    s.checks = {{"mutual_exclusion_violations", violations},
                {"counter", counter},
                {"expected_counter", acquisitions},
                {"cs_lines_consistent", lines_ok}};
    if (!validate || !promises_as<LockPromises>(*c.primitive).mutual_exclusion) {
        s.checks = {{"mutual_exclusion_checked", false}};
        s.detail = "no mutual exclusion claimed by this primitive: not checked";
        return s;
    }
    if (violations)
        s.fail(std::to_string(violations) + " entries found the lock held by another thread");
    if (counter != acquisitions)
        s.fail("counter " + std::to_string(counter) + " != acquisitions " +
               std::to_string(acquisitions) + " (lost updates)");
    if (!lines_ok) s.fail("a cs_lines line lost updates");
    if (!s.valid) s.detail = "mutual exclusion broken: " + s.detail;
    return s;
}

// The scenario as the lock binder sees it (lock_binder.hpp): its name,
// the locks it runs, and its run; describe() (its parameters) is in
// contention_scenario.cpp.
struct ContentionBinding {
    static constexpr const char* name = "locks.contention";
    static void describe(Registry& r);
    template <class L>
    static constexpr bool accepts = Lockable<L>;
    template <class L>
    static Sample run(const CaseConfig& c) {
        return run_contention<L>(c);
    }
};

}  // namespace contend::locks
