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
    bool pin_failed = false;                          // pinning was asked for and the OS refused
    nlohmann::json extra = nlohmann::json::object();  // scenario's per-thread figures
};

struct Sample {
    double window_ns = 0;      // measured window, wall clock
    double start_skew_ns = 0;  // spread of the threads' observed window starts
    std::vector<ThreadSample> threads;
    // Named latency histograms in cycle-clock ticks, the primary one first.
    std::vector<std::pair<std::string, LatencyHistogram>> latencies;
    std::uint32_t sample_every = 1;                     // 1 in N operations timed
    nlohmann::json metrics = nlohmann::json::object();  // scenario-specific figures
    nlohmann::json delays = nlohmann::json::object();   // requested vs achieved busy work
    std::vector<int> thread_cpus;                       // pinning plan; empty = unpinned
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
};

// Turns a sample into the measured part of a result row (everything but the
// case identity): iterations, real_time, cpu_time, items_per_second, metrics,
// per_thread, latency (converted to ns), delays, validation.
nlohmann::json sample_to_json(const Sample& s, double ticks_per_ns, int cpus);

// JSON numbers must be finite: a figure that does not exist is null.
nlohmann::json finite_or_null(double v);

}  // namespace contend
