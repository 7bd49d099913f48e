#include "harness/delays.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>

#include "harness/sample.hpp"

namespace contend {
namespace {

// Mean of the recorded values up to the p99 bucket, in ticks. Under 100
// samples the p99 is the maximum, and one preempted run would set the mean:
// there the cut is at twice the median.
double trimmed_mean(const LatencyHistogram& h) {
    if (h.count() == 0) return NAN;
    const std::uint64_t limit = h.count() >= 100 ? h.percentile(99) : 2 * h.percentile(50);
    double sum = 0, n = 0;
    for (const auto& [upper, count] : h.buckets()) {
        const std::uint64_t lower =
            LatencyHistogram::bucket_lower(LatencyHistogram::index_of(upper));
        if (lower > limit) break;
        sum += static_cast<double>(count) * (static_cast<double>(lower) + upper) / 2.0;
        n += static_cast<double>(count);
    }
    return n > 0 ? sum / n : NAN;
}

}  // namespace

void prepare_delays(const std::vector<DelayRequest>& requests, ThreadDelays& d) {
    bool any = false;
    for (const auto& r : requests) any |= r.ns > 0;
    if (!any) return;
    const BusyWork& busy = BusyWork::current();
    const int cpu = sched_getcpu();
    d.prepared = true;
    d.overshoot_ticks = busy.overshoot_ticks(cpu);
    d.check_off_by = busy.check_here(cpu);
    for (std::size_t i = 0; i < requests.size() && i < kMaxDelays; ++i)
        d.ticks[i] = busy.ticks_for(requests[i].ns, d.overshoot_ticks);
}

nlohmann::json report_delays(const std::vector<DelayRequest>& requests,
                             const std::vector<const ThreadDelays*>& workers, double ticks_per_ns,
                             double timer_overhead_ns) {
    nlohmann::json out = nlohmann::json::object();
    std::vector<double> overshoots;
    double worst_check = 0;
    for (const auto* w : workers) {
        if (!w->prepared) continue;
        overshoots.push_back(w->overshoot_ticks / ticks_per_ns);
        if (std::fabs(w->check_off_by) > std::fabs(worst_check)) worst_check = w->check_off_by;
    }
    std::sort(overshoots.begin(), overshoots.end());
    // Busy-work delays (prepared workers) read through the delay's own
    // single-shot overhead (BusyWork::timed_overhead_ns), sleeps timed the
    // same way through one counter read.
    const double calibrated = BusyWork::current().timed_overhead_ns();
    const double instrument_ns =
        !overshoots.empty() && calibrated > 0 ? calibrated : timer_overhead_ns;
    for (std::size_t i = 0; i < requests.size() && i < kMaxDelays; ++i) {
        const auto& r = requests[i];
        LatencyHistogram all;
        for (const auto* w : workers) all.merge(w->achieved[i]);
        // No sample (a starved thread, a stuck case): unknown, not zero.
        const double mean = trimmed_mean(all);
        const double achieved = r.ns <= 0 ? 0.0
                                : std::isfinite(mean)
                                    ? std::max(0.0, mean / ticks_per_ns - instrument_ns)
                                    : NAN;
        const double off = r.ns > 0 ? achieved / r.ns - 1 : 0.0;
        nlohmann::json j{{"requested", r.ns},
                         {"achieved", finite_or_null(achieved)},
                         {"samples", all.count()},
                         // The delay's units per requested ns: counter ticks (busy_work.hpp).
                         {"iterations_per_ns",
                          overshoots.empty() ? nlohmann::json(nullptr)
                                             : nlohmann::json(BusyWork::current().ticks_per_ns())},
                         {"overshoot_ns", overshoots.empty()
                                              ? nlohmann::json(nullptr)
                                              : finite_or_null(overshoots[overshoots.size() / 2])},
                         {"check_off_by", finite_or_null(worst_check)},
                         {"off_by", finite_or_null(off)},
                         {"flagged", std::isfinite(off) && std::fabs(off) > kDelayTolerance}};
        out[r.name] = std::move(j);
    }
    return out;
}

}  // namespace contend
