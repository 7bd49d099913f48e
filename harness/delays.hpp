#pragma once
// The busy-work delays of a team (critical section, think time), as the
// measurement protocol runs them (DESIGN.md, "The hot loop"): each worker
// converts the requested durations to deadline lengths with the run's one
// calibration (busy_work.hpp), checked on its own CPU once it is pinned, and
// the latency phase times the delays of its sampled operations, so the
// achieved duration is measured in the run, on the measured threads, under
// the case's own contention.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/busy_work.hpp"
#include "harness/latency_histogram.hpp"

namespace contend {

inline constexpr std::size_t kMaxDelays = 2;
// Achieved beyond this relative distance from requested is flagged.
inline constexpr double kDelayTolerance = 0.05;

struct DelayRequest {
    std::string name;  // "cs_ns"
    double ns = 0;
};

// One worker's view of the delays: deadline lengths and the in-run samples.
struct ThreadDelays {
    std::uint64_t ticks[kMaxDelays] = {};   // spin_for's argument per delay
    bool prepared = false;                  // some delay is non-zero
    double overshoot_ticks = 0;             // the compensation this worker used
    double check_off_by = 0;                // its check before the case (BusyWork::check_here)
    LatencyHistogram achieved[kMaxDelays];  // ticks, sampled operations only
};

// Fills `d` for `requests` on the calling thread, once it is on its CPU, and
// checks the run's calibration there (~0.1 ms). Nothing when every delay is 0.
// Uses the process's calibration (BusyWork::current()).
void prepare_delays(const std::vector<DelayRequest>& requests, ThreadDelays& d);

// {"cs_ns": {"requested", "achieved", "samples", "iterations_per_ns",
// "overshoot_ns", "check_off_by", "off_by", "flagged"}} from every worker's samples. Achieved is
// the mean of the sampled delays up to their p99 (preemptions trimmed) less what timing one costs
// (BusyWork::timed_overhead_ns for busy work, one counter read for a timed sleep); null when the
// latency phase timed none. check_off_by is the workers' worst.
nlohmann::json report_delays(const std::vector<DelayRequest>& requests,
                             const std::vector<const ThreadDelays*>& workers, double ticks_per_ns,
                             double timer_overhead_ns);

}  // namespace contend
