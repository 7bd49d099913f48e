#pragma once
// Uncontended cost of one lock+unlock (and one lock_shared+unlock_shared) for
// every lock in the catalog, and for a user's own (suites/locks/user_lock.hpp).
//
// Methodology: one benchmark thread takes and releases a lock that no other
// thread touches, so the line stays Modified in this core's L1 and every
// acquisition takes the fast path. What is timed is the fast path's
// instructions and fences (typically one locked RMW to acquire and one store
// or RMW to release), plus the loop overhead that the `none` control and
// loop/empty measure; subtract those to get the lock's own cost. Waiters'
// behaviour, handoff and fairness are not visible here by construction: those
// are the contended scenarios' job.
//
// The compiler must not merge, hoist or drop the calls. DoNotOptimize(lock)
// after each call is an empty asm that claims to read and write the lock's
// bytes, so every store the acquire made must be in memory before the
// release starts, and the release's before the next acquire; it emits no
// instruction itself. Atomic operations are not elided by the compiler in
// practice, but plain-store locks (the `none` control, deliberately broken
// ones) would be without it.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "harness/primitive_info.hpp"
#include "suites/locks/lock_concepts.hpp"

namespace contend::micro {

// Each lock gets a line of its own on the heap: nothing else the benchmark
// writes shares it, and a large lock (array-based queue locks) does not
// depend on the stack size.
template <class L>
struct alignas(64) OwnLine {
    L lock;
};

template <class L>
void bm_lock_unlock(benchmark::State& state, const std::string& label) {
    auto slot = std::make_unique<OwnLine<L>>();
    L& lock = slot->lock;
    for (auto _ : state) {
        lock.lock();
        benchmark::DoNotOptimize(lock);
        lock.unlock();
        benchmark::DoNotOptimize(lock);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(label);
}

template <class L>
void bm_lock_shared_unlock(benchmark::State& state, const std::string& label) {
    auto slot = std::make_unique<OwnLine<L>>();
    L& lock = slot->lock;
    for (auto _ : state) {
        lock.lock_shared();
        benchmark::DoNotOptimize(lock);
        lock.unlock_shared();
        benchmark::DoNotOptimize(lock);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(label);
}

// `suffix` distinguishes relax variants; empty for the default.
template <class L>
void register_lock_benchmarks(const PrimitiveInfo& info, const std::string& suffix) {
    static_assert(Lockable<L>);
    const std::string label = info.family;
    benchmark::RegisterBenchmark(
        ("lock/" + info.name + suffix).c_str(),
        [label](benchmark::State& state) { bm_lock_unlock<L>(state, label); });
    if constexpr (SharedLockable<L>) {
        benchmark::RegisterBenchmark(
            ("lock_shared/" + info.name + suffix).c_str(),
            [label](benchmark::State& state) { bm_lock_shared_unlock<L>(state, label); });
    }
}

}  // namespace contend::micro
