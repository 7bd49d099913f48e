#pragma once
// threads.timers, pattern `cancel`: how soon a waiting thread gets going once
// another thread cancels its pending timer. Each round the waiter arms a
// timer of `delay_us` and waits; the canceller cancels it halfway through
// (it sleeps most of the way and spins the last stretch, so the cancel lands
// on time whatever its own timer slack). Latency: the canceller's clock read
// just before cancel() -> the waiter's clock read once its wait returned.
//
// Validation: a cancel that has taken effect before the deadline must win. A
// wait that reports "fired" although cancel() had returned before its
// deadline is a lost cancel; a fired one before its deadline is early: either
// makes the case invalid. A cancel still in progress at the deadline (the
// canceller ran late, or its syscall took longer than the time left: at
// 10 us delays a write(2) on a VM can) is a fair race; it is counted, not
// blamed.
#include <atomic>

#include "harness/thread_team.hpp"
#include "suites/threads/timers_periodic.hpp"

namespace contend::timers {

inline constexpr std::uint32_t kStopRound = UINT32_MAX;
inline constexpr auto kSpinTail = std::chrono::microseconds(200);

// The waiter publishes the round it armed (with its arm time), the canceller
// the round it cancelled (with its cancel time); the plain fields are
// published by the release stores that follow them.
struct CancelShared {
    alignas(kCacheLine) std::atomic<std::uint32_t> armed{0};
    alignas(kCacheLine) std::atomic<std::uint32_t> cancelled{0};
    std::atomic<std::uint32_t> first_measured{kStopRound};
    TimePoint arm_time{}, cancel_time{}, cancel_returned{};
    ThreadUsage canceller_start{}, canceller_end{};
    std::uint64_t canceller_ops = 0;
};

struct CancelRecord {
    LatencyHistogram latency;  // cycle-counter ticks
    std::uint64_t rounds = 0, cancelled = 0, fired_first = 0, lost = 0, early = 0;
    double window_ns = 0;
    ThreadSample waiter;
};

inline void wait_while(std::atomic<std::uint32_t>& a, std::uint32_t old) {
    while (a.load(std::memory_order_acquire) == old) a.wait(old, std::memory_order_acquire);
}

// The canceller polls for the next round instead of sleeping on it: woken by
// the waiter, the kernel would queue it on the waiter's CPU (wake-affine),
// behind a spinning waiter that does not give the CPU up until its deadline,
// and no cancel would ever land in time. A real canceller is woken by
// something else. The poll is short: the next round is armed as soon as the
// waiter has taken in the last cancel.
inline std::uint32_t poll_for_change(const std::atomic<std::uint32_t>& a, std::uint32_t old) {
    std::uint32_t v;
    for (int spins = 0; (v = a.load(std::memory_order_acquire)) == old; ++spins) {
        if (spins < 2000)
            cpu_relax();
        else
            std::this_thread::yield();
    }
    return v;
}

// The waiter's side: rounds for `budget` (at least `min_rounds`), recorded
// into `out` unless it is null (the warm-up). `round` numbers every round of
// the repetition.
template <class M>
void cancel_rounds(M& m, CancelShared& sh, std::uint32_t& round, Nanos delay, Nanos budget,
                   std::uint64_t min_rounds, CancelRecord* out, double ticks_per_ns) {
    if (out) sh.first_measured.store(round + 1, std::memory_order_relaxed);
    const ThreadUsage u0 = ThreadUsage::now();
    const TimePoint t0 = Clock::now();
    TimePoint woke = t0;
    std::uint64_t n = 0;
    while (n < min_rounds || woke < t0 + budget) {
        ++round;
        const TimePoint armed_at = Clock::now();
        const TimePoint deadline = armed_at + delay;
        sh.arm_time = armed_at;
        sh.armed.store(round, std::memory_order_release);
        const Wake w = wait_cancellable(m, deadline, delay);
        woke = Clock::now();
        while (sh.cancelled.load(std::memory_order_acquire) != round)
            wait_while(sh.cancelled, round - 1);
        const TimePoint cancel_time = sh.cancel_time, cancel_returned = sh.cancel_returned;
        m.reset();
        ++n;
        if (!out) continue;
        if (w.cancelled) {
            ++out->cancelled;
            const double ns = ns_between(cancel_time, woke);
            out->latency.record(ns > 0 ? static_cast<std::uint64_t>(ns * ticks_per_ns) : 0);
        } else {
            if (cancel_returned < deadline)
                ++out->lost;
            else
                ++out->fired_first;
            if (woke < deadline) ++out->early;
        }
    }
    if (!out) return;
    out->rounds = n;
    out->window_ns = ns_between(t0, woke);
    out->waiter = usage_between(u0, ThreadUsage::now(), n);
}

// Tells the canceller there are no more rounds.
inline void stop_canceller(CancelShared& sh) {
    sh.armed.store(kStopRound, std::memory_order_release);
}

// The canceller's side: cancels each armed round halfway to its deadline.
template <class M>
void cancel_issuer(M& m, CancelShared& sh, Nanos delay) {
    bool measuring = false;
    for (std::uint32_t last = 0;;) {
        const std::uint32_t k = poll_for_change(sh.armed, last);
        if (k == kStopRound) break;
        if (!measuring && k >= sh.first_measured.load(std::memory_order_relaxed)) {
            measuring = true;
            sh.canceller_start = ThreadUsage::now();
        }
        const TimePoint target = sh.arm_time + delay / 2;
        if (target - Clock::now() > kSpinTail) std::this_thread::sleep_until(target - kSpinTail);
        while (Clock::now() < target) cpu_relax();
        sh.cancel_time = Clock::now();
        m.cancel();
        sh.cancel_returned = Clock::now();
        sh.cancelled.store(k, std::memory_order_release);
        sh.cancelled.notify_one();
        sh.canceller_ops += measuring;
        last = k;
    }
    sh.canceller_end = ThreadUsage::now();
    if (!measuring) sh.canceller_start = sh.canceller_end;
}

inline void report_cancels(Sample& s, const CancelRecord& r, const CancelShared& sh, Nanos delay) {
    s.window_ns = r.window_ns;
    ThreadSample canceller = usage_between(sh.canceller_start, sh.canceller_end, sh.canceller_ops);
    canceller.role = "canceller";
    canceller.counted = false;
    s.threads = {r.waiter, canceller};
    s.threads[0].role = "waiter";
    s.latencies = {{"cancel_latency", r.latency}};
    s.sample_every = 1;
    s.metrics["requested_delay_ns"] = delay.count();
    s.metrics["cancel_after_ns"] = (delay / 2).count();
    s.metrics["rounds"] = r.rounds;
    s.metrics["cancelled"] = r.cancelled;
    s.metrics["fired_before_cancel"] = r.fired_first;
    s.metrics["lost_cancels"] = r.lost;
    s.metrics["early_fires"] = r.early;
    s.checks = {{"rounds", r.rounds},
                {"cancelled", r.cancelled},
                {"fired_before_cancel", r.fired_first},
                {"lost_cancels", r.lost},
                {"early_fires", r.early}};
    std::string what;
    if (r.lost)
        what = std::to_string(r.lost) +
               " timers fired although their cancel had returned before the deadline";
    if (r.early)
        what += (what.empty() ? "" : "; ") + std::to_string(r.early) +
                " timers fired before their deadline";
    if (!what.empty()) {
        s.fail(what);
    }
}

}  // namespace contend::timers
