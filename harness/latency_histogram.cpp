#include "harness/latency_histogram.hpp"

#include <cmath>

namespace contend {

void LatencyHistogram::merge(const LatencyHistogram& other, std::uint64_t weight) noexcept {
    if (other.count_ == 0) return;
    if (weight == 0) weight = 1;
    for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i] * weight;
    count_ += other.count_;
    weight_ += other.weight_ * weight;
    sum_ += other.sum_ * weight;
    if (other.min_ < min_) min_ = other.min_;
    if (other.max_ > max_) max_ = other.max_;
}

void LatencyHistogram::clear() noexcept {
    // In place: assigning a fresh object would put a 15 KiB temporary on the stack.
    counts_.fill(0);
    count_ = 0;
    weight_ = 0;
    min_ = std::numeric_limits<std::uint64_t>::max();
    max_ = 0;
    sum_ = 0;
}

double LatencyHistogram::mean() const noexcept {
    if (weight_ == 0) return 0;
    // Integer division first keeps the quotient exact however large the sum;
    // only the remainder's fraction goes through floating point.
    const Sum whole = sum_ / weight_;
    const Sum rem = sum_ % weight_;
    return static_cast<double>(whole) +
           static_cast<double>(static_cast<long double>(rem) / static_cast<long double>(weight_));
}

std::uint64_t LatencyHistogram::percentile(double p) const noexcept {
    if (count_ == 0) return 0;
    if (!(p > 0)) p = 0;  // also catches NaN
    if (p > 100) p = 100;

    // ceil(p/100 * count), but a product that lands within rounding noise of
    // an integer is taken as that integer: 99.9 is not representable, and
    // ceil(99.9000000000000057/100 * 1000) would otherwise give rank 1000,
    // not the 999 the caller meant.
    double x = p / 100.0 * static_cast<double>(weight_);
    const double r = std::nearbyint(x);
    if (std::fabs(x - r) <= 1e-9 * (r > 1 ? r : 1)) x = r;
    std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(x));
    if (rank < 1) rank = 1;
    if (rank >= weight_) return max_;
    if (rank == 1) return min_;

    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            const std::uint64_t lo = bucket_lower(i);
            std::uint64_t v = lo + (bucket_upper(i) - lo) / 2;
            if (v < min_) v = min_;
            if (v > max_) v = max_;
            return v;
        }
    }
    return max_;  // unreachable while counts_ and weight_ agree
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> LatencyHistogram::buckets() const {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        if (counts_[i] != 0) out.emplace_back(bucket_upper(i), counts_[i]);
    }
    return out;
}

}  // namespace contend
