#include "harness/delays.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "harness/sample.hpp"

namespace contend {
namespace {

double time_ns(std::uint64_t iterations) {
    const auto t0 = std::chrono::steady_clock::now();
    spin_iterations(iterations);
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::nano>(t1 - t0).count();
}

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

double calibrate_on_this_cpu() {
    std::uint64_t n = 1024;
    double t = time_ns(n);
    while (t < 1e5 && n < (std::uint64_t{1} << 36)) t = time_ns(n *= 2);  // also the warm-up
    n = static_cast<std::uint64_t>(static_cast<double>(n) * 2e5 / std::max(t, 1.0)) + 1;
    double runs[9];
    for (double& r : runs) r = time_ns(n);
    std::nth_element(runs, runs + 4, runs + 9);
    return runs[4] > 0 ? static_cast<double>(n) / runs[4] : 1.0;
}

void prepare_delays(const std::vector<DelayRequest>& requests, ThreadDelays& d) {
    bool any = false;
    for (const auto& r : requests) any |= r.ns > 0;
    if (!any) return;
    d.iterations_per_ns = calibrate_on_this_cpu();
    const BusyWork busy(d.iterations_per_ns);
    for (std::size_t i = 0; i < requests.size() && i < kMaxDelays; ++i)
        d.iterations[i] = busy.iterations_for(requests[i].ns);
}

nlohmann::json report_delays(const std::vector<DelayRequest>& requests,
                             const std::vector<const ThreadDelays*>& workers, double ticks_per_ns,
                             double timer_overhead_ns) {
    nlohmann::json out = nlohmann::json::object();
    std::vector<double> rates;
    for (const auto* w : workers)
        if (w->iterations_per_ns > 0) rates.push_back(w->iterations_per_ns);
    std::sort(rates.begin(), rates.end());
    for (std::size_t i = 0; i < requests.size() && i < kMaxDelays; ++i) {
        const auto& r = requests[i];
        LatencyHistogram all;
        for (const auto* w : workers) all.merge(w->achieved[i]);
        // No sample (a starved thread, a stuck case): unknown, not zero.
        const double mean = trimmed_mean(all);
        const double achieved = r.ns <= 0 ? 0.0
                                : std::isfinite(mean)
                                    ? std::max(0.0, mean / ticks_per_ns - timer_overhead_ns)
                                    : NAN;
        const double off = r.ns > 0 ? achieved / r.ns - 1 : 0.0;
        nlohmann::json j{
            {"requested", r.ns},
            {"achieved", finite_or_null(achieved)},
            {"samples", all.count()},
            {"iterations_per_ns",
             rates.empty() ? nlohmann::json(nullptr) : finite_or_null(rates[rates.size() / 2])},
            {"off_by", finite_or_null(off)},
            {"flagged", std::isfinite(off) && std::fabs(off) > kDelayTolerance}};
        out[r.name] = std::move(j);
    }
    return out;
}

}  // namespace contend
