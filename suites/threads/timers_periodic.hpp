#pragma once
// threads.timers, pattern `periodic`: one thread runs a periodic timer of
// `delay_us` for the measured window (at least kMinTicks ticks, so a 100 ms
// period still gives a drift and a jitter), each method computing its
// deadlines its own way (timers_methods.hpp). Per tick:
//
//   overshoot  wake-up time - that tick's deadline; the deadline of a Relative
//              method is the clock read just before it armed (the kernel's own
//              start is later, so this never makes a timer look early)
//   drift      wake-up time - (start + k * period), k = periods elapsed: how far
//              behind the ideal schedule the tick fired. A Relative method's
//              drift is the sum of its overshoots; an Absolute one's is
//              only its latest overshoot
//   interval   time since the previous tick minus the periods it spanned;
//              its standard deviation is the jitter
//
// A negative overshoot is a timer that fired early: a broken promise, the
// case is invalid. Overshoot and drift are read on CLOCK_MONOTONIC (the
// timers' own clock), not the cycle counter, and converted to cycle-counter
// ticks only for the harness's histogram.
#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <cmath>

#include "harness/latency_histogram.hpp"
#include "harness/sample.hpp"
#include "suites/threads/timers_methods.hpp"

namespace contend::timers {

inline constexpr std::uint64_t kMinTicks = 2;

// CPU time and context switches of the calling thread.
struct ThreadUsage {
    std::uint64_t cpu_ns = 0;
    std::int64_t voluntary = 0, involuntary = 0;
    static ThreadUsage now() {
        ThreadUsage u;
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        u.cpu_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
                   static_cast<std::uint64_t>(ts.tv_nsec);
        rusage ru{};
        getrusage(RUSAGE_THREAD, &ru);
        u.voluntary = ru.ru_nvcsw;
        u.involuntary = ru.ru_nivcsw;
        return u;
    }
};

inline ThreadSample usage_between(const ThreadUsage& a, const ThreadUsage& b, std::uint64_t ops) {
    ThreadSample t;
    t.ops = ops;
    t.cpu_ns = b.cpu_ns - a.cpu_ns;
    t.voluntary_cs = b.voluntary - a.voluntary;
    t.involuntary_cs = b.involuntary - a.involuntary;
    t.cpu = sched_getcpu();
    return t;
}

// Welford's running mean and variance: one pass, no stored samples.
class RunningStats {
  public:
    void add(double x) {
        ++n_;
        const double d = x - mean_;
        mean_ += d / static_cast<double>(n_);
        m2_ += d * (x - mean_);
    }
    std::uint64_t count() const { return n_; }
    double stddev() const { return n_ > 1 ? std::sqrt(m2_ / static_cast<double>(n_ - 1)) : NAN; }

  private:
    std::uint64_t n_ = 0;
    double mean_ = 0, m2_ = 0;
};

struct TickRecord {
    LatencyHistogram overshoot;  // cycle-counter ticks
    std::uint64_t ticks = 0, periods = 0, missed = 0, early = 0;
    double worst_early_ns = 0;  // most negative overshoot (0 if none)
    double drift_ns = 0;        // of the last tick
    double window_ns = 0;       // start of the schedule to the last wake-up
    RunningStats interval_error;
    ThreadSample usage;
};

inline double ns_between(TimePoint a, TimePoint b) {
    return std::chrono::duration<double, std::nano>(b - a).count();
}

// Runs the schedule for `budget` (and at least `min_ticks`); records into
// `out` unless it is null (the warm-up).
template <class M>
void run_ticks(M& m, Nanos period, Nanos budget, std::uint64_t min_ticks, TickRecord* out,
               double ticks_per_ns) {
    const ThreadUsage u0 = ThreadUsage::now();
    const TimePoint t0 = Clock::now();
    m.start(t0 + period, period);
    TimePoint previous = t0, woke = t0;
    std::uint64_t k = 0, ticks = 0;
    while (ticks < min_ticks || woke < t0 + budget) {
        TimePoint deadline;
        Wake w;
        if constexpr (M::deadline == Deadline::Relative) {
            deadline = Clock::now() + period;
            w = m.wait(deadline, period);
            ++k;
        } else {
            const bool behind = t0 + (k + 1) * period <= previous;
            w = m.wait(t0 + (k + 1) * period, period);
            k += w.expirations;
            deadline = t0 + k * period;
            if (out)
                out->missed += M::deadline == Deadline::KernelPeriodic ? w.expirations - 1 : behind;
        }
        woke = Clock::now();
        ++ticks;
        if (out) {
            const double over = ns_between(deadline, woke);
            if (over < 0) {
                ++out->early;
                out->worst_early_ns = std::min(out->worst_early_ns, over);
            }
            out->overshoot.record(over > 0 ? static_cast<std::uint64_t>(over * ticks_per_ns) : 0);
            const double expected = static_cast<double>(w.expirations) * period.count();
            out->interval_error.add(ns_between(previous, woke) - expected);
        }
        previous = woke;
    }
    if constexpr (requires { m.stop(); }) m.stop();
    if (!out) return;
    out->ticks = ticks;
    out->periods = k;
    out->drift_ns = ns_between(t0 + k * period, woke);
    out->window_ns = ns_between(t0, woke);
    out->usage = usage_between(u0, ThreadUsage::now(), ticks);
}

// Fills the sample's periodic figures from one measured run.
inline void report_ticks(Sample& s, const TickRecord& r, Nanos period) {
    s.window_ns = r.window_ns;
    s.threads = {r.usage};
    s.threads[0].role = "timer";
    s.latencies = {{"overshoot", r.overshoot}};
    s.sample_every = 1;
    s.metrics["requested_delay_ns"] = period.count();
    s.metrics["periods"] = r.periods;
    s.metrics["drift_ns"] = finite_or_null(r.drift_ns);
    s.metrics["drift_per_period_ns"] =
        finite_or_null(r.periods ? r.drift_ns / static_cast<double>(r.periods) : NAN);
    s.metrics["jitter_ns"] = finite_or_null(r.interval_error.stddev());
    s.metrics["missed_periods"] = r.missed;
    s.metrics["early_fires"] = r.early;
    s.checks = {{"ticks", r.ticks},
                {"early_fires", r.early},
                {"worst_early_ns", finite_or_null(r.worst_early_ns)}};
    if (r.early) {
        s.fail(std::to_string(r.early) + " of " + std::to_string(r.ticks) +
               " ticks fired before their deadline (worst " +
               std::to_string(static_cast<long long>(-r.worst_early_ns)) + " ns early)");
    }
}

}  // namespace contend::timers
