#pragma once
// Log-linear latency histogram (the HdrHistogram layout, written from the idea):
// every power-of-two range [2^e, 2^(e+1)) is split into 32 equal linear
// sub-buckets, so a bucket is never wider than 1/32 of its lower bound and the
// midpoint we report is within 1/64 (~1.6 %) of any value in it. Values below
// 64 get buckets of width 1, i.e. they are exact.
//
// Storage is a fixed inline array covering all of uint64 (1920 buckets, 15 KiB):
// record() never allocates, never branches on range and never fails, which is
// what the hot loop needs (DESIGN.md, "The hot loop"). One histogram per
// thread, merged after the run; it is not thread-safe.
//
// Weighted merging: a thread that timed 1 in N of its operations merges with
// weight N, so each sample stands for the N operations it was drawn from.
// Threads choose N from their own operation rate (timing costs <= 1 % of
// each), so unweighted, a starved thread of an unfair lock (slow operations,
// small N) added as many samples as a thread that did a hundred times its
// work, and the merged p99 weighted threads, not operations. count() stays
// the number of samples recorded; percentiles and the mean use the weights.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace contend {

class LatencyHistogram {
  public:
    static constexpr unsigned kSubBucketBits = 5;
    static constexpr std::uint64_t kSubBuckets = 1u << kSubBucketBits;  // 32 per power of two
    // Index layout: index = shift*32 + (value >> shift), shift = max(0,
    // bit_width(value) - 6). Values 0..63 (shift 0) map to themselves; each
    // further shift, up to 64 - 6 = 58, adds a block of 32. Last index:
    // 58*32 + 63 = 1919, so 1920 buckets.
    static constexpr std::size_t kBucketCount = (64 - (kSubBucketBits + 1) + 2) * kSubBuckets;

    // Branch-free: OR-ing in 32 makes every value below 64 share the first
    // magnitude (shift 0, identity mapping); above that the shift drops the
    // bits below the 6 most significant, whose value (32..63) is the linear
    // sub-bucket and whose position picks the block of 32.
    static constexpr std::size_t index_of(std::uint64_t value) noexcept {
        const unsigned shift =
            static_cast<unsigned>(std::bit_width(value | kSubBuckets)) - (kSubBucketBits + 1);
        return (static_cast<std::size_t>(shift) << kSubBucketBits) +
               static_cast<std::size_t>(value >> shift);
    }
    // Smallest and largest value that map to bucket `index` (inclusive).
    static constexpr std::uint64_t bucket_lower(std::size_t index) noexcept {
        if (index < 2 * kSubBuckets) return index;
        const unsigned shift = static_cast<unsigned>(index >> kSubBucketBits) - 1;
        return (kSubBuckets + (index & (kSubBuckets - 1))) << shift;
    }
    static constexpr std::uint64_t bucket_upper(std::size_t index) noexcept {
        if (index < 2 * kSubBuckets) return index;
        const unsigned shift = static_cast<unsigned>(index >> kSubBucketBits) - 1;
        return bucket_lower(index) + ((std::uint64_t{1} << shift) - 1);  // no overflow at the top
    }

    void record(std::uint64_t value) noexcept {
        ++counts_[index_of(value)];
        ++count_;
        ++weight_;
        sum_ += value;
        // Conditional moves, not branches, in practice; kept exact so the
        // extremes (and p0/p100) are never approximated.
        min_ = value < min_ ? value : min_;
        max_ = value > max_ ? value : max_;
    }

    // Adds `other`'s samples, each standing for `weight` operations (its
    // thread's 1-in-N; 0 counts as 1).
    void merge(const LatencyHistogram& other, std::uint64_t weight = 1) noexcept;
    void clear() noexcept;

    std::uint64_t count() const noexcept { return count_; }    // samples recorded
    std::uint64_t weight() const noexcept { return weight_; }  // operations they stand for
    std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }  // exact
    std::uint64_t max() const noexcept { return max_; }                    // exact
    double mean() const noexcept;  // exact weighted sum / weight, 0 when empty

    // Nearest-rank percentile, p clamped into [0, 100]: the value of rank
    // ceil(p/100 * weight) (rank 1 at least), reported as the midpoint of its
    // bucket clamped into [min, max]. Ranks 1 and count return min and max
    // exactly. 0 when empty.
    std::uint64_t percentile(double p) const noexcept;

    // (bucket upper bound inclusive, count) for every non-empty bucket, ascending.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> buckets() const;

  private:
    // unsigned __int128: 2^64 samples of up to 2^64-1 cannot overflow it, so
    // the mean stays exact for any run. __extension__ keeps -Wpedantic quiet.
    __extension__ typedef unsigned __int128 Sum;

    std::array<std::uint64_t, kBucketCount> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t weight_ = 0;  // sum of counts_
    std::uint64_t min_ = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t max_ = 0;
    Sum sum_ = 0;
};

static_assert(LatencyHistogram::kBucketCount == 1920);
static_assert(LatencyHistogram::index_of(std::numeric_limits<std::uint64_t>::max()) ==
              LatencyHistogram::kBucketCount - 1);
static_assert(LatencyHistogram::bucket_upper(LatencyHistogram::kBucketCount - 1) ==
              std::numeric_limits<std::uint64_t>::max());

}  // namespace contend
