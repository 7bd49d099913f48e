#pragma once
// A cheap timestamp for per-operation latency (DESIGN.md, "The hot loop"):
// steady_clock::now() costs 20-50 ns through the vDSO, often more than the
// operation being timed, so the hot loop reads the CPU's counter directly and
// converts ticks to ns afterwards with calibrate().
#include <chrono>
#include <cmath>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace contend::cycle_clock {

// x86-64: plain RDTSC, no LFENCE/RDTSCP. RDTSC is not serialising, so the read
// may drift a few tens of cycles relative to the instructions around it; a
// fence would pin it but roughly doubles the cost and itself perturbs the
// pipeline of the code under test. That drift is of the order of the timer
// overhead calibrate() reports, below the histogram's 3 % bucket width for
// anything but the very cheapest operations, and irrelevant for the tails
// (p99 and beyond) that contention produces. Ticks are only meaningful as
// time on an invariant TSC (see invariant()).
// AArch64: CNTVCT_EL0 without ISB, for the same trade-off; it usually ticks at
// a fixed 1-100 MHz, so its resolution is coarse and reported via calibrate().
// Elsewhere: steady_clock in ns, correct but expensive.
inline std::uint64_t now() noexcept {
#if defined(__x86_64__)
    return __rdtsc();
#elif defined(__aarch64__)
    std::uint64_t v;
    asm volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#else
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
#endif
}

// now() that waits for every earlier instruction to finish first (LFENCE on
// x86-64, ISB on AArch64). An unordered read after a busy loop of a few
// hundred iterations is issued while the loop is still in flight (the
// front end runs ahead of the one-iteration-per-cycle dependency chain):
// a requested 100 ns delay read 85-87 ns that way and 102 ns ordered (tas,
// 1 thread, same minute, 2-vCPU VM). Used where a duration of
// straight-line work is timed (the achieved delays); dearer than now().
inline std::uint64_t now_ordered() noexcept {
#if defined(__x86_64__)
    _mm_lfence();
    return __rdtsc();
#elif defined(__aarch64__)
    std::uint64_t v;
    asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
#else
    return now();
#endif
}

// "tsc", "cntvct" or "steady_clock": recorded with every result.
const char* source() noexcept;

// The counter's rate as the architecture states it, in Hz: CNTFRQ_EL0 on
// AArch64 (firmware writes it; ARM servers commonly tick at 25-100 MHz, i.e.
// 10-40 ns per tick, and ARMv8.6+ parts report 1 GHz); 0 where the
// architecture states none (the x86 TSC's rate is only measurable).
std::uint64_t nominal_frequency_hz() noexcept;

// Whether ticks advance at a constant rate regardless of frequency scaling and
// sleep states (CPUID invariant-TSC flag on x86-64; architecturally true for
// the AArch64 generic timer and steady_clock). When false, latencies converted
// with ticks_per_ns are suspect and the harness should warn.
bool invariant() noexcept;

struct Calibration {
    double ticks_per_ns = 1;
    // Cost of one now() as seen by a back-to-back pair: the floor under every
    // latency measured with it, reported beside the latencies.
    double overhead_ns_min = 0;
    double overhead_ns_median = 0;
    // Effective resolution: the median step between two successive readings
    // that differ. A counter that ticks in coarse steps (a virtualised TSC
    // seen here stepping by ~8 ns, an AArch64 counter at 25-100 MHz) or whose
    // read costs more than a tick cannot tell apart latencies closer than
    // this; percentiles under ~10x it are marked below resolution.
    double resolution_ns = 0;
    // nominal_frequency_hz() in ticks per ns (0: none stated). Conversions use
    // the measured ticks_per_ns, which is right even where firmware wrote a
    // wrong CNTFRQ_EL0; a disagreement beyond 2 % is warned about.
    double nominal_ticks_per_ns = 0;

    bool nominal_disagrees() const noexcept {
        return nominal_ticks_per_ns > 0 &&
               std::abs(ticks_per_ns / nominal_ticks_per_ns - 1.0) > 0.02;
    }

    double to_ns(std::uint64_t ticks) const noexcept {
        return static_cast<double>(ticks) / ticks_per_ns;
    }
};

// ticks_per_ns is measured against steady_clock over `window` (spinning, so
// the core stays busy as it will be during a run); overhead from many
// back-to-back now() pairs converted to ns. Takes about `window`.
Calibration calibrate(std::chrono::nanoseconds window = std::chrono::milliseconds(20));

}  // namespace contend::cycle_clock
