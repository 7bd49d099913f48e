#pragma once
// The busy-work delays of a team (critical section, think time), as the
// measurement protocol runs them (DESIGN.md, "The hot loop"): each worker
// converts the requested durations to loop counts with a calibration taken on
// its own CPU once it is pinned (a core of another frequency, or an SMT
// sibling's load, changes the rate), and the latency phase times the delays of
// its sampled operations, so the achieved duration is measured in the run, on
// the measured threads, under the case's own contention.
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

// One worker's view of the delays: loop counts and the in-run samples.
struct ThreadDelays {
    std::uint64_t iterations[kMaxDelays] = {};
    double iterations_per_ns = 0;           // this worker's calibration (0: none needed)
    LatencyHistogram achieved[kMaxDelays];  // ticks, sampled operations only
};

// ~2 ms: the median of 9 timed runs of ~200 µs each on the calling thread's
// CPU (the median, like every achieved figure, discards preempted runs).
double calibrate_on_this_cpu();

// Fills `d` for `requests` on the calling thread; calibrates only when some
// delay is non-zero.
void prepare_delays(const std::vector<DelayRequest>& requests, ThreadDelays& d);

// {"cs_ns": {"requested", "achieved", "iterations_per_ns", "off_by", "flagged"}}
// from every worker's samples. Achieved is the mean of the sampled delays up
// to their p99 (preemptions trimmed) less one counter read; null when the
// latency phase timed none.
nlohmann::json report_delays(const std::vector<DelayRequest>& requests,
                             const std::vector<const ThreadDelays*>& workers, double ticks_per_ns,
                             double timer_overhead_ns);

}  // namespace contend
