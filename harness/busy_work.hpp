#pragma once
// The busy-work delay: the critical section, think time and every other
// requested duration of the benchmarks (DESIGN.md, "The hot loop"). One
// routine, out of line and 64-byte aligned, that every scenario and every
// primitive's instantiation calls, so two primitives at the same setting run
// the same delay whatever their own code layout.
//
// A deadline on the cycle counter, not a calibrated count of loop
// iterations. Measured side by side on the 2-vCPU development VM (AMD EPYC
// guest): a dependent-decrement loop ran 1.65 to 3.47 iterations per ns
// within one process and from one process to the next (the host's other
// hardware thread shares the core), so a loop calibrated at one moment ran
// a requested 100 ns as 100 ns in one repetition and as 190 ns in the next,
// and only 35 % of a default run's delay records came within ±5 % of the
// request. A deadline lasts the requested time whatever the core's speed: the
// delay holds a lock for `cs_ns` of wall time, which is what the parameter
// promises. Each delay ends within half a counter read of its deadline
// (spin_ticks); where the counter itself is coarse (an AArch64 counter at
// 25-100 MHz) a single delay is as coarse, its mean is not, and the
// achieved duration is measured and reported beside the requested one.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace contend {

namespace cycle_clock {
struct Calibration;
}

// Spins until `ticks` counter ticks have passed since its own first read
// (ticks >= 1; at least two reads). Out of line and aligned, the only copy
// in the program.
void spin_ticks(std::uint64_t ticks) noexcept;

// ticks == 0 is one compare and a not-taken branch: the call is laid out as
// the cold path, so a loop with no delays runs straight through (two taken
// branches per operation, one per absent delay, halved the harness's own
// operation rate) and spills nothing around a call it never makes.
__attribute__((always_inline)) inline void spin_for(std::uint64_t ticks) noexcept {
    if (ticks != 0) [[unlikely]]
        spin_ticks(ticks);
}

// What the delay is calibrated with on one CPU: how much longer than its
// deadline a call lasts (the call, the first read and the exit's last read),
// so a requested duration asks for that much less.
struct CpuDelayCalibration {
    int cpu = -1;
    double overshoot_ticks = 0;
    // How much more one delay reads when timed alone between two ordered
    // counter reads (as the latency phase times a sampled operation's
    // delays) than it adds to a loop of back-to-back delays: the ordered
    // reads, and the delay's first read waiting for the one before it. The
    // operation's throughput agrees with the loop (tas, 1 thread, cs_ns 100,
    // think_ns 400: ~518 ns per operation, where the loop's delays add ~506
    // and single-shot readings less one counter read added ~534), so the
    // in-run achieved figure subtracts this, not just one counter read.
    double timed_overhead_ticks = 0;
    int attempts = 0;    // estimates taken until two quiet ones agreed
    bool quiet = false;  // false: no quiet moment was found; the last estimate is used
};

class BusyWork {
  public:
    // Uncalibrated: one tick per ns, no compensation; for tests.
    BusyWork() = default;

    // Once per run, in the parent, before any case: the overshoot on every
    // CPU in `cpus` (the calling thread is pinned to
    // each in turn and restored after). An estimate counts only when the
    // thread had its CPU to itself while taking it (≥ 90 % of the wall time
    // on CPU, no involuntary switch); two quiet estimates in a row must agree
    // within max(1 ns, 1 %) of the probe, or both are redone after a pause:
    // a busy thread beside the calibration is waited out, not averaged in.
    // ~10 ms per CPU when quiet. The result becomes the process's calibration
    // (current()), which children inherit through fork.
    static const BusyWork& calibrate(const cycle_clock::Calibration& clock,
                                     const std::vector<int>& cpus);
    // The process's calibration: the last calibrate()'s, or uncalibrated.
    // Every delay of the run converts with it (prepare_delays, the stress
    // perturbation, the pool's tasks): one calibration, the same everywhere.
    static const BusyWork& current() noexcept;

    // Counter ticks to pass to spin_for for a delay of `ns` on `cpu` (-1 or
    // an uncalibrated CPU: the median CPU's overshoot); 0 for ns <= 0 or NaN,
    // at least 1 otherwise, saturating at UINT64_MAX. Non-decreasing in ns.
    std::uint64_t ticks_for(double ns, int cpu = -1) const noexcept {
        return ticks_for(ns, overshoot_ticks(cpu));
    }
    std::uint64_t ticks_for(double ns, double overshoot_ticks) const noexcept;
    double overshoot_ticks(int cpu) const noexcept;
    // CpuDelayCalibration::timed_overhead_ticks in ns, the CPUs' median (0:
    // uncalibrated).
    double timed_overhead_ns() const noexcept { return timed_overhead_ticks_ / ticks_per_ns_; }

    // Median achieved duration in ns of one spin_for(ticks) call, from
    // batches of back-to-back calls (≥ ~20 µs each, so the clock's cost and
    // resolution are amortised away); the median of `trials` batches
    // discards preempted ones.
    double measure_ns(std::uint64_t ticks, int trials = 51) const;

    // The cheap check a worker makes on its own CPU before a case (~0.1 ms):
    // how far off a 200 ns delay is with the run's calibration (the
    // overshoot estimated here, less the calibrated one, over 200 ns). It is
    // reported, not acted on: workers that re-estimated when it was off
    // caught a passing moment (overshoot 24 ns where the run's was 6.5) and
    // then ran every delay of the repetition 18 ns short; the delay stays
    // the run's, the same in every child, and its achieved duration is
    // measured in the run anyway.
    double check_here(int cpu) const;

    double ticks_per_ns() const noexcept { return ticks_per_ns_; }
    const std::vector<CpuDelayCalibration>& per_cpu() const noexcept { return per_cpu_; }

    // {"method", "ticks_per_ns", "timed_overhead_ns",
    //  "per_cpu": [{"cpu", "overshoot_ns",
    //  "timed_overhead_ns", "attempts", "quiet"}]}
    nlohmann::json to_json() const;

  private:
    double ticks_per_ns_ = 1;
    double median_overshoot_ticks_ = 0;
    double timed_overhead_ticks_ = 0;
    std::vector<CpuDelayCalibration> per_cpu_;
};

}  // namespace contend
