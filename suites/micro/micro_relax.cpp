// Cost of one relax instruction, the thing a spinning waiter executes between
// polls of the lock word.
//
// Methodology: a single thread executes the instruction back to back on its
// own, with no lock word polled, so what is timed is the instruction's
// latency plus the benchmark loop's overhead (measured alone by relax/none,
// an empty asm with a memory clobber, and by loop/empty). relax/pause is the
// figure that varies by an order of magnitude across x86 parts (~10 cycles
// before Skylake, ~140 on Skylake-SP and later) and decides how long a
// spinning waiter reacts to a release. relax/yield is one sched_yield system
// call with nothing else runnable on this CPU, so the scheduler returns at
// once: it is the floor of a yield, not what a yield costs when it really
// hands the core away (then it costs whatever the other thread's time slice
// is). Every relax::*::cpu() is volatile asm or a system call, so the
// compiler can neither drop nor merge iterations. AArch64 adds relax/isb
// and relax/wfe (relax.hpp says what they are).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "harness/relax.hpp"
#include "suites/micro/micro_suite.hpp"

namespace contend {
namespace {

// One wait on a word nobody writes: for every policy but wfe that is one
// cpu(); for wfe it is the sleep until the next wake-up the core gets
// anyway (Linux's 10 kHz event stream, or an interrupt), the most a wfe
// waiter can oversleep a release that does not write its line.
template <class Relax>
void bm_relax(benchmark::State& state) {
    const std::atomic<std::uint32_t> unwritten{0};
    for (auto _ : state) Relax::wait(unwritten, std::uint32_t{0});
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_micro_relax() {
    relax::for_each_policy([]<class R>() {
        benchmark::RegisterBenchmark((std::string("relax/") + R::name).c_str(), bm_relax<R>);
    });
}

}  // namespace contend
