#pragma once
// Pieces shared by the lock scenarios: where the lock lives, the data it
// guards, per-thread statistics, and the relax-policy dispatch.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "suites/locks/relax.hpp"

namespace contend::locks {

// The lock on its own cache line(s), so nothing the harness touches shares
// a line with it.
template <class Lock>
struct alignas(kCacheLine) Isolated {
    Lock lock;
};

// One cache line written inside the critical section (the `cs_lines` knob:
// how much shared data moves with the lock).
struct alignas(kCacheLine) GuardedLine {
    std::atomic<std::uint64_t> value{0};
};

// Increments through a relaxed load and a relaxed store: the same code as a
// plain `x++`, so a lock that fails to exclude loses updates, without the
// undefined behaviour of a data race on a plain integer.
inline void unguarded_increment(std::atomic<std::uint64_t>& x) {
    x.store(x.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

inline constexpr int kNoOwner = -1;

// The first guarded line: the validation state every critical section
// writes, so the data the lock guards starts here (cs_lines counts it). One
// word, so checking costs one load and two stores, none of them atomic RMWs:
//   bit 0       held: set on entry, clear on exit (a second holder sees it)
//   bits 1..15  who acquired last (for handoffs)
//   bits 16..   acquisitions, incremented non-atomically (lost updates show)
// All relaxed: only the lock orders them, and each owner writes the word
// twice (held on entry, count on exit). So the next owner's relaxed load is
// also the weak-memory check: where a lock lacks its acquire/release pair,
// weakly ordered hardware (AArch64, POWER) lets it read the word stale,
// either with the held bit of the previous owner's entry (found held) or
// with a count from before it (a lost update). x86-64 (TSO) cannot reorder
// so, nor can qemu-user on an x86 host. The control is unordered_tas.
class ValidationLine {
  public:
    static constexpr int kMaxThreads = (1 << 15) - 1;

    struct Entry {
        std::uint64_t word;
        bool was_held, handoff;
    };
    Entry enter(int me) noexcept {
        const std::uint64_t v = state_.load(std::memory_order_relaxed);
        state_.store(v | 1, std::memory_order_relaxed);
        return {v, (v & 1) != 0, ((v >> 1) & kMaxThreads) != static_cast<std::uint64_t>(me)};
    }
    void leave(const Entry& e, int me) noexcept {
        state_.store((((e.word >> 16) + 1) << 16) | (static_cast<std::uint64_t>(me) << 1),
                     std::memory_order_relaxed);
    }
    std::uint64_t acquisitions() const noexcept {
        return state_.load(std::memory_order_relaxed) >> 16;
    }
    // Some thread is inside the critical section (the stall watch's "lock
    // not free"; read only when no thread is running in its operation).
    bool held() const noexcept { return (state_.load(std::memory_order_relaxed) & 1) != 0; }

  private:
    alignas(kCacheLine) std::atomic<std::uint64_t> state_{std::uint64_t{kMaxThreads} << 1};
};

// The delays of a lock workload, in TeamConfig::delays order.
inline constexpr std::size_t kCsDelay = 0, kThinkDelay = 1;
inline std::vector<DelayRequest> delay_requests(const CaseConfig& c) {
    return {{"cs_ns", static_cast<double>(c.params.integer("cs_ns"))},
            {"think_ns", static_cast<double>(c.params.integer("think_ns"))}};
}

// Runs fn.template operator()<L<Relax>>() for the relax policy the case asks
// for, and records which one ran.
template <template <class> class L, class Fn>
Sample with_relax(const CaseConfig& c, Fn&& fn) {
    auto run = [&]<class R>() {
        Sample s = fn.template operator()<L<R>>();
        s.row_extra["relax_applied"] = R::name;
        return s;
    };
    const std::string& r = c.params.choice("relax");
    Sample s;
    bool ran = false;
    relax::for_each_policy([&]<class R>() {
        if (!ran && r == R::name) {
            s = run.template operator()<R>();
            ran = true;
        }
    });
    return ran ? s : run.template operator()<relax::Pause>();
}

}  // namespace contend::locks
