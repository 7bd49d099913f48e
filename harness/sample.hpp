#pragma once
// One measured repetition of a case, as a scenario hands it to the harness.
// The harness derives the common metrics (throughput, fairness, CPU cost,
// context switches, latency percentiles) from it, so every scenario reports
// them the same way; a scenario adds its own figures in `metrics`.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/cycle_clock.hpp"
#include "harness/latency_histogram.hpp"

namespace contend {

struct ThreadSample {
    std::uint64_t ops = 0;     // operations completed in the measured window
    std::uint64_t cpu_ns = 0;  // thread CPU time in the window
    std::int64_t voluntary_cs = 0, involuntary_cs = 0;
    int cpu = -1;  // CPU the thread ran on at the end of the window
    // Roles in scenarios with more than one kind of thread ("producer",
    // "consumer"); only `counted` threads' operations make the scenario's
    // throughput and fairness (a queue's items count once, when consumed),
    // while every thread's time counts in the cost per operation.
    std::string role;
    bool counted = true;
    bool pin_failed = false;         // pinning was asked for and the OS refused
    std::uint32_t sample_every = 0;  // 1 in N timed in the latency phase (0: not the harness's)
    nlohmann::json extra = nlohmann::json::object();  // scenario's per-thread figures
};

struct Sample {
    double window_ns = 0;           // measured window, wall clock
    double window_extended_ns = 0;  // how far it ran past its planned end (no progress by then)
    double start_skew_ns = 0;       // spread of the threads' observed window starts
    double latency_window_ns = 0;   // the separate latency phase (0: latency timed otherwise)
    std::vector<ThreadSample> threads;
    // Named latency histograms in cycle-clock ticks, the primary one first.
    std::vector<std::pair<std::string, LatencyHistogram>> latencies;
    // 1 in N operations timed; 0: the harness's latency phase chose N per
    // thread (ThreadSample::sample_every).
    std::uint32_t sample_every = 0;
    nlohmann::json metrics = nlohmann::json::object();  // scenario-specific figures
    nlohmann::json delays = nlohmann::json::object();   // requested vs achieved busy work
    std::vector<int> thread_cpus;                       // pinning plan; empty = unpinned
    int coordinator_cpu = -1;  // where the coordinating thread was kept (-1: not moved)
    nlohmann::json row_extra =
        nlohmann::json::object();  // merged into the row (e.g. relax_applied)
    // Validation: a sample that broke a promise of its primitive.
    bool valid = true;
    nlohmann::json checks = nlohmann::json::object();
    std::string detail;
    // A scenario that detected a deadlock (no progress while its threads wait
    // on each other in a cycle) describes it here: who holds what, who waits
    // for what. The case becomes status "deadlock", its remaining repetitions
    // are not run (the stuck threads cannot be joined), and `detail` is the
    // one-line summary. Null: no deadlock.
    nlohmann::json deadlock = nullptr;
    // Threads the scenario had to leave blocked (a deadlock, or a stall it
    // could not end): no further repetition runs beside them.
    bool threads_abandoned = false;

    std::uint64_t total_ops() const;
    // Marks the sample invalid and adds `what` to the one-line detail; the
    // one way every scenario reports a broken promise.
    void fail(const std::string& what);
};

// The weight of thread `t`'s latency samples in a merged histogram: the N
// of its 1-in-N sampling, so that percentiles weight operations, not threads
// (LatencyHistogram::merge); 1 for a thread that timed every operation.
inline std::uint64_t latency_weight(const Sample& s, std::size_t t) {
    return t < s.threads.size() && s.threads[t].sample_every != 0 ? s.threads[t].sample_every : 1;
}

// Turns a sample into the measured part of a result row (everything but the
// case identity): iterations, real_time, cpu_time, items_per_second, metrics,
// per_thread, latency (converted to ns), delays, validation.
// Latencies carry the timer's overhead and resolution beside them, and every
// percentile under kResolutionFactor x the resolution is named in
// `below_resolution`, and every one with fewer than kMinTailSamples samples
// beyond it (p99 needs 1,000 samples, p99.9 10,000) in `too_few_samples`:
// both are kept for reading and never gated (compare.py, ab.py).
nlohmann::json sample_to_json(const Sample& s, const cycle_clock::Calibration& clock, int cpus);

inline constexpr double kResolutionFactor = 10;
// A tail percentile read from fewer samples beyond it is one or two
// operations' luck: p99 of 300 samples is the third-slowest of them.
inline constexpr double kMinTailSamples = 10;
// Fairness figures need this many operations in the fair share (Σx / n): one
// operation more or less then moves a thread's share by at most 1 %, while
// with a handful per thread (a collapsed, oversubscribed case) the index
// measures the scheduler's quantum, not the primitive.
inline constexpr double kFairnessMinFairShare = 100;
// The band a 1x1 queue figure must stay in, against the same queue's bare
// loop (harness_over_bare), for the harness not to be the figure.
inline constexpr double kHarnessOverBareLow = 0.85, kHarnessOverBareHigh = 1.15;

// JSON numbers must be finite: a figure that does not exist is null.
nlohmann::json finite_or_null(double v);

}  // namespace contend
