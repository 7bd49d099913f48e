#pragma once
// Summary statistics across repetitions and fairness metrics across threads
// (DESIGN.md, "Metrics"). Figures that do not exist (a CV of a zero mean, the
// Jain index of no work at all) are std::nullopt, never NaN, so the JSON writer
// can emit `null` for them.
#include <cstddef>
#include <optional>
#include <span>

namespace contend {

// Across repetitions of one case. Values are expected to be finite.
struct Summary {
    std::size_t n = 0;
    double median = 0, mean = 0, stddev = 0, min = 0, max = 0;
    std::optional<double> cv;  // stddev / mean, kept in the JSON beside:
    // 1.4826 x the median absolute deviation / |median|: a CV-like spread
    // that one outlying repetition among five cannot move (the instability
    // flag is a threshold on this; CV flagged cases where four repetitions
    // agreed to 0.5 % and one ran at a slow calibration). nullopt when n == 0
    // or the median is 0.
    std::optional<double> robust_spread;
    double mad = 0;  // median absolute deviation from the median
};

// Whether `x` lies beyond 3 robust standard deviations (1.4826 x MAD) from
// the median of `s`, with a floor of 2 % of the median so that repetitions
// agreeing to a fraction of a percent do not name one of them an outlier.
bool is_outlier(const Summary& s, double x);

// stddev is the sample standard deviation (n-1 denominator: repetitions are a
// sample of what the machine could produce), 0 when n < 2. cv = stddev / mean,
// nullopt when n == 0 or mean == 0. Median of an even count is the mean of the
// two middle values (for the MAD too).
Summary summarize(std::span<const double> values);

// Across the threads of one sample, from per-thread operation counts.
struct Fairness {
    std::optional<double> jain;           // (Σx)² / (n·Σx²): 1 fair, 1/n one thread did all
    std::optional<double> min_max_ratio;  // min / max
    std::optional<double> cv;             // population stddev / mean (threads are the population)
    int starved = 0;                      // threads below starved_fraction of the fair share
};

// jain is nullopt when n == 0 or every count is zero; min_max_ratio when
// max == 0; cv when mean == 0. starved counts threads with
// x < starved_fraction * (Σx / n).
Fairness fairness(std::span<const double> per_thread_ops, double starved_fraction = 0.10);

}  // namespace contend
