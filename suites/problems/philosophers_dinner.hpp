#pragma once
// One repetition of problems.deadlock: n philosopher threads and a
// coordinator that runs the window and watches for deadlock.
//
// Why not harness Team: Team joins its workers, and deadlocked threads can
// never be joined. Here the philosophers go through the same ThreadContext
// phases (start barrier, warm-up, measured window, stop flag), but the
// coordinator polls the table every millisecond while it runs them. When no
// meal has finished for `stall_ns`, it takes the wait-for view of the table;
// a cycle that is still there, unchanged, a millisecond later is a deadlock.
// It then returns a sample that says so and detaches the stuck threads.
// Everything they can touch (forks, seats, the phase word) lives in one heap
// block that is deliberately never freed: the threads stay blocked on its
// mutexes until the process ends (the isolated child exits after the case),
// and freeing it under them would be a use-after-free.
//
// A stall without a cycle does not end the window early (a descheduled
// thread can look like a stall on a busy machine); if the table is still
// stuck when the window is over, the repetition is reported `stalled`,
// invalid, with who waits on what.
#include <sys/prctl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/delays.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/thread_team.hpp"
#include "harness/topology.hpp"
#include "suites/problems/philosophers_strategies.hpp"

namespace contend::deadlock {

// The busy-work delays, in ThreadDelays order (ctx.delay(kEatDelay), ...).
inline constexpr std::size_t kEatDelay = 0, kThinkDelay = 1;

struct DinnerConfig {
    int seats = 5;
    std::int64_t gap_ns = 0, stall_ns = 100'000'000;
    double eat_ns = 0, think_ns = 0;  // busy work; think_ns is the mean of a random draw
    std::int64_t warmup_ns = 0, duration_ns = 0;
    std::vector<int> thread_cpus;  // empty: unpinned
    std::uint32_t sample_every = 1;

    std::vector<DelayRequest> delays() const {
        return {{"eat_ns", eat_ns}, {"think_ns", think_ns}};
    }
};

// A philosopher's private figures, read by the coordinator only after join.
struct alignas(kCacheLine) DinerStats {
    LatencyHistogram wait;  // hungry -> both forks in hand, cycle-clock ticks
    // The pick-up gaps as they ran (achieved[0], every one timed: two
    // counter reads beside a sleep), reported like a busy-work delay.
    ThreadDelays gap;
};

// How a finished repetition ended.
enum class DinnerEnd { Completed, Deadlock, Stalled };

struct DinnerOutcome {
    DinnerEnd end = DinnerEnd::Completed;
    TableView view;  // the table when it got stuck, or at the stop flag
    std::vector<int> cycle;
    double since_start_ns = 0;  // start of warm-up -> last meal before the end
    double window_ns = 0;       // measured window (up to the last meal, if stuck in it)
    double stalled_ns = 0;      // how long nothing moved before the verdict
    Phase stuck_in = Phase::Stop;
};

// Everything the philosopher threads share; leaked on purpose if they hang.
template <class Strategy>
struct Dinner {
    explicit Dinner(const DinnerConfig& c)
        : cfg(c), table(c.seats), strategy(c.seats), stats(c.seats), windows(c.seats) {}

    DinnerConfig cfg;
    Table table;
    Strategy strategy;
    std::vector<DinerStats> stats;
    std::vector<ThreadSlot> windows;
    TeamConfig team_cfg;  // what ThreadContext reads: nothing beyond the defaults
    alignas(kCacheLine) std::atomic<Phase> phase{Phase::Waiting};
    alignas(kCacheLine) std::atomic<int> arrived{0};
    alignas(kCacheLine) std::atomic<int> finished{0};

    // The Meal a strategy drives: the pause between pick-ups, the backoff,
    // and eating with both forks in hand.
    struct Meal {
        Dinner& d;
        int me;
        std::uint64_t& rng;
        std::uint64_t hungry_at;
        bool timed;
        Delay eat_delay;

        void gap() {
            if (d.cfg.gap_ns <= 0) return;
            const std::uint64_t t0 = cycle_clock::now();
            std::this_thread::sleep_for(std::chrono::nanoseconds(d.cfg.gap_ns));
            d.stats[me].gap.achieved[0].record(cycle_clock::now() - t0);
        }
        // Uniform in [0, base * 2^min(k,6)] with base = max(gap, 1 us): the
        // randomness breaks the lockstep that makes trylock loops livelock.
        void backoff(int k) {
            const std::uint64_t base = std::max<std::int64_t>(d.cfg.gap_ns, 1000);
            const std::uint64_t span = base << std::min(k, 6);
            const std::uint64_t ns = next(rng) % (span + 1);
            if (ns < 1000)
                std::this_thread::yield();
            else
                std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
        }
        void eat() {
            const std::uint64_t waited = cycle_clock::now() - hungry_at;
            Seat& s = d.table.seat(me);
            if (timed) d.stats[me].wait.record(waited);
            if (waited > s.longest_wait_ticks.load(std::memory_order_relaxed))
                s.longest_wait_ticks.store(waited, std::memory_order_relaxed);
            d.table.check_and_use(me);
            if (timed) {
                std::uint32_t reads = 0;
                eat_delay(Timed{&reads});
            } else {
                eat_delay(Untimed{});
            }
        }
    };

    static std::uint64_t next(std::uint64_t& x) {  // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    }

    void philosopher(int me) {
        // Linux rounds a sleep up by the thread's timer slack (50 us by
        // default), which would turn a 50 us pick-up gap into ~100 us and
        // the gap parameter into fiction; 1 ns makes sleeps as exact as the
        // timer allows. The achieved gap is measured and reported anyway.
        prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        if (!cfg.thread_cpus.empty())
            windows[me].pinned_ok = pin_current_thread(cfg.thread_cpus[me]);
        // Calibrated here, on the philosopher's own CPU, before the start
        // barrier, as Team's workers do; its ThreadContext then hands out
        // the delays, and their achieved durations are sampled in the run.
        prepare_delays(cfg.delays(), windows[me].delays);
        ThreadContext ctx(me, phase, arrived, windows[me], team_cfg);
        std::uint64_t rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(me + 1);
        std::uint32_t until_timed = cfg.sample_every;
        Seat& seat = table.seat(me);
        // The delays are timed on the meals the dinner times anyway (every
        // one in the window by default: two counter reads beside tens of
        // microseconds of thinking and eating), as Team times them on its
        // sampled operations; the others run untimed.
        const Delay eat = ctx.delay(kEatDelay), think = ctx.delay(kThinkDelay);
        // Think a random 0..2x think_ns: seats that think in lockstep would
        // all reach for their left fork together and deadlock on the first
        // round, which demonstrates nothing about how long it takes. The
        // draw is uniform over 0..2n deadline ticks, n those of think_ns,
        // so its mean is the requested think_ns; the achieved record holds
        // the drawn durations, whose mean is the figure to compare with it.
        auto think_once = [&](auto clk) {
            if (think.ticks == 0) return;
            Delay{next(rng) % (2 * think.ticks + 1), think.achieved}(clk);
        };
        // Its own loop, not ThreadContext::run: the coordinator below must
        // see a stuck table, so a meal is never batched behind a phase check.
        auto meal = [&](bool measured) {
            const bool timed = measured && --until_timed == 0;
            if (timed) until_timed = cfg.sample_every;
            if (timed) {
                std::uint32_t reads = 0;
                think_once(Timed{&reads});
            } else {
                think_once(Untimed{});
            }
            Meal m{*this, me, rng, cycle_clock::now(), timed, eat};
            strategy.dine(table, me, m);
            Seat::bump(seat.meals);
            if (measured) Seat::bump(seat.measured);
        };
        ctx.wait_start();
        while (ctx.warming()) meal(false);
        ctx.begin_window();
        std::uint64_t ops = 0;
        for (; ctx.measuring(); ++ops) meal(true);
        ctx.end_window(ops);
        finished.fetch_add(1, std::memory_order_release);
    }

    // Runs the coordinator; returns with every thread joined (Completed) or
    // with the stuck ones detached (then `this` must never be freed).
    DinnerOutcome run() {
        std::vector<std::thread> threads;
        threads.reserve(cfg.seats);
        try {
            for (int p = 0; p < cfg.seats; ++p) threads.emplace_back([this, p] { philosopher(p); });
        } catch (...) {
            // The started ones wait at the barrier: release them straight
            // into the stop phase so they can be joined.
            phase.store(Phase::Stop, std::memory_order_release);
            for (auto& t : threads) t.join();
            throw;
        }
        DinnerOutcome out = coordinate();
        if (out.end == DinnerEnd::Completed)
            for (auto& t : threads) t.join();
        else
            for (auto& t : threads) t.detach();
        return out;
    }

  private:
    DinnerOutcome coordinate() {
        using clock = std::chrono::steady_clock;
        using ns = std::chrono::duration<double, std::nano>;
        while (arrived.load(std::memory_order_acquire) < cfg.seats) std::this_thread::yield();
        const auto start = clock::now();
        phase.store(Phase::Warmup, std::memory_order_release);
        auto window_start = start + std::chrono::nanoseconds(cfg.warmup_ns);
        auto window_end = window_start + std::chrono::nanoseconds(cfg.duration_ns);
        bool measuring = false, stopped = false;
        std::uint64_t last = 0;
        auto last_progress = start;
        DinnerOutcome out;
        while (true) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const auto now = clock::now();
            const std::uint64_t progress =
                table.progress() + static_cast<std::uint64_t>(finished.load());
            if (progress != last) {
                last = progress;
                last_progress = now;
            }
            if (!measuring && now >= window_start) {
                window_start = now;  // the real start, not the planned one
                window_end = now + std::chrono::nanoseconds(cfg.duration_ns);
                phase.store(Phase::Measure, std::memory_order_release);
                measuring = true;
            }
            if (measuring && !stopped && now >= window_end) {
                window_end = now;
                phase.store(Phase::Stop, std::memory_order_release);
                stopped = true;
                // Who was blocked on what as the window closed: it names
                // what a philosopher that ate nothing was waiting for.
                out.view = table.view();
            }
            if (stopped && finished.load(std::memory_order_acquire) == cfg.seats) {
                out.window_ns = ns(window_end - window_start).count();
                return out;
            }
            if (now - last_progress < std::chrono::nanoseconds(cfg.stall_ns)) continue;
            TableView v = table.view();
            std::vector<int> cycle = find_wait_cycle(v);
            if (cycle.empty() && !stopped) continue;  // may still resolve: wait for the stop
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            if (table.view() != v || table.progress() + finished.load() != last) continue;
            out.end = cycle.empty() ? DinnerEnd::Stalled : DinnerEnd::Deadlock;
            out.view = std::move(v);
            out.cycle = std::move(cycle);
            out.since_start_ns = ns(last_progress - start).count();
            out.stalled_ns = ns(clock::now() - last_progress).count();
            out.stuck_in = !measuring || last_progress < window_start ? Phase::Warmup
                           : stopped && last_progress >= window_end   ? Phase::Stop
                                                                      : Phase::Measure;
            const auto stuck_end = stopped ? std::min(window_end, last_progress) : last_progress;
            out.window_ns = measuring ? std::max(0.0, ns(stuck_end - window_start).count()) : 0;
            return out;
        }
    }
};

}  // namespace contend::deadlock
