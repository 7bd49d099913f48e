// Cost of one timestamp from each clock the harness could use, and the cost of
// the benchmark loop itself.
//
// Methodology: one thread reads the clock back to back and hands each result
// to DoNotOptimize, so the read cannot be dropped; the calls are opaque
// (vDSO) or volatile (rdtsc), so they cannot be merged either. Back-to-back
// reads measure throughput cost, which for the vDSO clocks is close to their
// latency; rdtsc is not serialising, so consecutive reads may overlap and
// clock/cycle_clock_now is a lower bound on what one read adds to a timed
// operation (harness/cycle_clock.hpp's calibrate() reports the pairwise
// overhead that latencies actually carry). These figures are why the hot loop
// times with the cycle counter and not with steady_clock (DESIGN.md).
//
// loop/empty is the Google Benchmark loop with nothing in it: the per-
// iteration overhead contained in every other figure of this suite, and the
// baseline the harness's own loop overhead (the `none` lock control) is
// compared with. A literally empty body is deleted by GCC at -O2 (the trip
// count is known, so the loop folds away and reports 0 ns), which is not the
// overhead the other benchmarks carry; an empty volatile asm, which emits no
// instruction and touches no memory, keeps one real iteration per count.
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>

#include "harness/cycle_clock.hpp"
#include "suites/micro/micro_suite.hpp"

namespace contend {
namespace {

void bm_steady_clock(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(std::chrono::steady_clock::now());
    state.SetItemsProcessed(state.iterations());
}

void bm_cycle_clock(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(cycle_clock::now());
    state.SetItemsProcessed(state.iterations());
}

void bm_system_clock(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(std::chrono::system_clock::now());
    state.SetItemsProcessed(state.iterations());
}

void bm_clock_gettime_monotonic(benchmark::State& state) {
    timespec ts{};
    for (auto _ : state) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        benchmark::DoNotOptimize(ts);
    }
    state.SetItemsProcessed(state.iterations());
}

void bm_empty_loop(benchmark::State& state) {
    for (auto _ : state) asm volatile("");
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_micro_clocks() {
    benchmark::RegisterBenchmark("clock/steady_clock_now", bm_steady_clock);
    benchmark::RegisterBenchmark("clock/cycle_clock_now", bm_cycle_clock);
    benchmark::RegisterBenchmark("clock/system_clock_now", bm_system_clock);
    benchmark::RegisterBenchmark("clock/clock_gettime_monotonic", bm_clock_gettime_monotonic);
    benchmark::RegisterBenchmark("loop/empty", bm_empty_loop);
}

}  // namespace contend
