#include "harness/stats.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace contend {

namespace {

// long double accumulation: per-thread counts reach 1e9+ and their squares
// 1e18+, past the point where double sums start dropping low bits.
long double sum_of(std::span<const double> v) {
    long double s = 0;
    for (double x : v) s += x;
    return s;
}

// Two-pass (mean first, then squared deviations) rather than Σx² - n·mean²,
// which cancels catastrophically when the spread is small relative to the mean
// -- exactly the stable case we most want to report accurately.
long double sum_sq_dev(std::span<const double> v, long double mean) {
    long double s = 0;
    for (double x : v) {
        const long double d = x - mean;
        s += d * d;
    }
    return s;
}

}  // namespace

// The MAD of a normal sample times this estimates its standard deviation.
constexpr double kMadToSigma = 1.4826;

Summary summarize(std::span<const double> values) {
    Summary s;
    s.n = values.size();
    if (s.n == 0) return s;

    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    s.min = sorted.front();
    s.max = sorted.back();
    const std::size_t mid = s.n / 2;
    s.median = (s.n % 2 == 1) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;

    const long double mean = sum_of(values) / static_cast<long double>(s.n);
    s.mean = static_cast<double>(mean);
    if (s.n >= 2) {
        s.stddev = static_cast<double>(
            std::sqrt(sum_sq_dev(values, mean) / static_cast<long double>(s.n - 1)));
    }
    if (s.mean != 0) s.cv = s.stddev / s.mean;
    std::vector<double> deviations;
    for (double v : sorted) deviations.push_back(std::fabs(v - s.median));
    std::sort(deviations.begin(), deviations.end());
    s.mad = (s.n % 2 == 1) ? deviations[mid] : (deviations[mid - 1] + deviations[mid]) / 2.0;
    if (s.median != 0) s.robust_spread = kMadToSigma * s.mad / std::fabs(s.median);
    return s;
}

bool is_outlier(const Summary& s, double x) {
    const double band = std::max(3 * kMadToSigma * s.mad, 0.02 * std::fabs(s.median));
    return s.n >= 3 && std::fabs(x - s.median) > band;
}

Fairness fairness(std::span<const double> per_thread_ops, double starved_fraction) {
    Fairness f;
    const std::size_t n = per_thread_ops.size();
    if (n == 0) return f;

    const long double sum = sum_of(per_thread_ops);
    long double sum_sq = 0;
    for (double x : per_thread_ops) sum_sq += static_cast<long double>(x) * x;
    if (sum_sq != 0) {
        // Round numerator and denominator to double before the one division, so
        // integer-valued inputs give the correctly rounded quotient (no double
        // rounding through long double).
        const double num = static_cast<double>(sum * sum);
        const double den = static_cast<double>(static_cast<long double>(n) * sum_sq);
        f.jain = num / den;
    }

    const auto [lo, hi] = std::minmax_element(per_thread_ops.begin(), per_thread_ops.end());
    if (*hi != 0) f.min_max_ratio = *lo / *hi;

    const long double mean = sum / static_cast<long double>(n);
    if (mean != 0) {
        const long double sd = std::sqrt(sum_sq_dev(per_thread_ops, mean) / n);
        f.cv = static_cast<double>(sd / mean);
    }

    // In double, as a reader would compute it by hand: in long double
    // 0.1 * 200 is 20.000000000000001 and a thread with exactly 20 would count
    // as starved.
    const double threshold = starved_fraction * static_cast<double>(mean);
    for (double x : per_thread_ops) {
        if (x < threshold) ++f.starved;
    }
    return f;
}

}  // namespace contend
