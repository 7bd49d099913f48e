#include "harness/cycle_clock.hpp"

#include <algorithm>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace contend::cycle_clock {

const char* source() noexcept {
#if defined(__x86_64__)
    return "tsc";
#elif defined(__aarch64__)
    return "cntvct";
#else
    return "steady_clock";
#endif
}

std::uint64_t nominal_frequency_hz() noexcept {
#if defined(__aarch64__)
    std::uint64_t hz;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    return hz;
#else
    return 0;
#endif
}

bool invariant() noexcept {
#if defined(__x86_64__)
    // CPUID.80000007H:EDX[8] = invariant TSC. Hypervisors may hide the bit even
    // when the TSC is usable; false here is a warning, not a refusal.
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_max(0x80000000u, nullptr) < 0x80000007u) return false;
    if (!__get_cpuid(0x80000007u, &a, &b, &c, &d)) return false;
    return (d & (1u << 8)) != 0;
#else
    return true;
#endif
}

#if defined(__x86_64__) || defined(__aarch64__)
namespace {

using SteadyClock = std::chrono::steady_clock;

// A steady_clock reading bracketed by two counter reads; the counter's value
// "at" the steady_clock read is taken as their midpoint, so the pairing error
// is at most half the bracket. A bracket is normally ~50 ns, but a preemption
// inside it stretches it to milliseconds (a 20 % error over a 10 ms window was
// seen on a loaded 2-core machine), so the narrowest of several tries is kept.
// Kept as integers: raw counter values since boot exceed double's mantissa.
struct Pair {
    SteadyClock::time_point t;
    std::uint64_t before, after;
};

Pair paired_now() noexcept {
    Pair best{};
    for (int i = 0; i < 8; ++i) {
        const std::uint64_t a = now();
        const SteadyClock::time_point t = SteadyClock::now();
        const std::uint64_t b = now();
        if (i == 0 || b - a < best.after - best.before) best = {t, a, b};
    }
    return best;
}

double ticks_between(const Pair& x, const Pair& y) noexcept {
    const double base = static_cast<double>(y.before - x.before);
    const double half_x = static_cast<double>(x.after - x.before) / 2.0;
    const double half_y = static_cast<double>(y.after - y.before) / 2.0;
    return base + half_y - half_x;
}

}  // namespace
#endif

Calibration calibrate(std::chrono::nanoseconds window) {
    Calibration cal;
    if (window < std::chrono::milliseconds(1)) window = std::chrono::milliseconds(1);

#if defined(__x86_64__) || defined(__aarch64__)
    // Spin rather than sleep: a frequency-scaled, non-invariant counter would
    // be measured at idle frequency across a sleep. Only the two end pairs
    // matter (preemption in between is harmless); their error (~tens of ns)
    // over a 20 ms window is ~1e-6 relative.
    const Pair start = paired_now();
    while (SteadyClock::now() - start.t < window) {
    }
    const Pair end = paired_now();
    const double elapsed_ns = static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(end.t - start.t).count());
    const double ticks = ticks_between(start, end);
    if (elapsed_ns > 0 && ticks > 0) cal.ticks_per_ns = ticks / elapsed_ns;
#else
    (void)window;
    cal.ticks_per_ns = 1;  // now() is steady_clock in ns by construction
#endif

    // Back-to-back pairs: many trials because a single one can be inflated by
    // an interrupt; min is the true floor, median what a typical read costs.
    constexpr int kTrials = 10000;
    std::vector<std::uint64_t> diffs(kTrials);
    for (int i = 0; i < 100; ++i) (void)now();  // warm the path and the caches
    for (auto& d : diffs) {
        const std::uint64_t a = now();
        const std::uint64_t b = now();
        d = b - a;
    }
    const auto mid = diffs.begin() + kTrials / 2;
    std::nth_element(diffs.begin(), mid, diffs.end());
    const std::uint64_t median = *mid;
    const std::uint64_t min = *std::min_element(diffs.begin(), diffs.end());
    cal.overhead_ns_min = cal.to_ns(min);
    cal.overhead_ns_median = cal.to_ns(median);

    std::vector<std::uint64_t> steps(kTrials);
    std::uint64_t previous = now();
    for (auto& d : steps) {
        std::uint64_t v = now();
        while (v == previous) v = now();
        d = v - previous;
        previous = v;
    }
    const auto step_mid = steps.begin() + kTrials / 2;
    std::nth_element(steps.begin(), step_mid, steps.end());
    cal.resolution_ns = cal.to_ns(*step_mid);
    cal.nominal_ticks_per_ns = static_cast<double>(nominal_frequency_hz()) / 1e9;
    return cal;
}

}  // namespace contend::cycle_clock
