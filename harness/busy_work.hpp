#pragma once
// Calibrated busy-work delays: the critical section and think time of the
// benchmarks (DESIGN.md, "The hot loop"). A loop of dependent arithmetic, not
// clock polling: polling puts a clock read (and on some systems a syscall) in
// the measured loop and makes the delay's cost depend on the timer. The loop
// touches no memory, so it adds no cache traffic to the primitive under test;
// its duration scales with core frequency, which is why the achieved duration
// is measured (measure_ns) and reported beside the requested one.
#include <cstdint>

namespace contend {

// The delay loop itself: n dependent decrements, one iteration per cycle or
// so, no memory access. Inline asm that starts the loop on a 64-byte
// boundary: every copy (one per scenario instantiation) runs the same two
// instructions at the same alignment, so the calibration measures the code
// the scenarios run (a loop straddling a fetch or uop-cache boundary can run
// at half speed: seen here, the same requested 100 ns took 100 ns in one
// instantiation and 206 ns in another when the loop was plain C++). Inline
// rather than a call: an opaque call in the measured loop makes the compiler
// spill the harness's counters to memory around it even when n is 0, which
// put ~1 ns of the harness into every operation.
__attribute__((always_inline)) inline void spin_loop(std::uint64_t n) noexcept {  // n >= 1
#if defined(__x86_64__)
    asm volatile(
        ".p2align 6\n"
        "1:\n\t"
        "dec %0\n\t"
        "jnz 1b\n"
        : "+r"(n)
        :
        : "cc");
#elif defined(__aarch64__)
    asm volatile(
        ".p2align 6\n"
        "1:\n\t"
        "subs %0, %0, #1\n\t"
        "b.ne 1b\n"
        : "+r"(n)
        :
        : "cc");
#else
    while (n != 0) {
        --n;
        asm volatile("" : "+r"(n));
    }
#endif
}

// n == 0 is one compare and a not-taken branch: the delay is laid out as the
// cold path, so a loop with no delays runs straight through (two taken
// branches per operation, one per absent delay, halved the harness's own
// operation rate).
__attribute__((always_inline)) inline void spin_iterations(std::uint64_t n) noexcept {
    if (n != 0) [[unlikely]]
        spin_loop(n);
}

class BusyWork {
  public:
    // Uncalibrated: one iteration per ns, only for tests and placeholders.
    BusyWork() = default;
    // From a rate measured elsewhere (e.g. by the parent process, so every
    // isolated case uses the same calibration). Non-positive rates become 1.
    explicit BusyWork(double iterations_per_ns) noexcept
        : iterations_per_ns_(iterations_per_ns > 0 ? iterations_per_ns : 1.0) {}

    // ~20 ms. Doubles n until one run lasts ~1 ms (which also lets the core
    // reach its working frequency), rescales n to ~2 ms, times 7 runs of it
    // and keeps the median (a preempted run is discarded, and the rate is the
    // one the scenarios will typically get, not the best one).
    static BusyWork calibrate();

    // Iterations for a delay of `ns`, rounded to nearest; 0 for ns <= 0 (or
    // NaN), saturating at UINT64_MAX. Non-decreasing in ns.
    std::uint64_t iterations_for(double ns) const noexcept;
    double iterations_per_ns() const noexcept { return iterations_per_ns_; }

    // Median achieved duration in ns of one spin_iterations(iterations) call.
    // Each trial times a batch of back-to-back calls (≥ ~20 µs) with
    // steady_clock, so the clock's own cost is amortised away even for tiny
    // delays; the median of `trials` batches discards preempted ones.
    double measure_ns(std::uint64_t iterations, int trials = 51) const;

    // measure_ns with as many trials as fit in ~20 ms (3 to 21), for checking
    // a scenario's delays before each repetition: long delays must not eat
    // the watchdog's budget. 0 for 0 iterations.
    double measure_briefly(std::uint64_t iterations) const;

  private:
    double iterations_per_ns_ = 1.0;
};

}  // namespace contend
