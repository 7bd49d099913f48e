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

// Counts down 1-in-N operations that take timestamps.
class Sampler {
  public:
    explicit Sampler(std::uint32_t every) : every_(every ? every : 1), left_(every_) {}
    bool take(bool measured) {
        if (!measured || --left_ != 0) return false;
        left_ = every_;
        return true;
    }

  private:
    std::uint32_t every_, left_;
};

struct Delays {
    std::uint64_t cs_iters = 0, think_iters = 0;
    nlohmann::json report;  // {"cs_ns": {"requested", "achieved"}, ...}
};

// Converts requested busy-work durations to loop counts and measures what
// they really take on this core right now.
inline Delays calibrate_delays(const CaseConfig& c) {
    Delays d;
    auto one = [&](const char* name, std::uint64_t& iters) {
        const auto requested = c.params.integer(name);
        iters = c.busy->iterations_for(static_cast<double>(requested));
        const double achieved = c.busy->measure_briefly(iters);
        d.report[name] = {{"requested", requested}, {"achieved", finite_or_null(achieved)}};
    };
    one("cs_ns", d.cs_iters);
    one("think_ns", d.think_iters);
    return d;
}

inline TeamConfig team_config(const CaseConfig& c) {
    return TeamConfig{c.threads, c.warmup_ns, c.duration_ns, c.thread_cpus, c.clock->ticks_per_ns};
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
    if (r == "none") return run.template operator()<relax::None>();
    if (r == "yield") return run.template operator()<relax::Yield>();
    return run.template operator()<relax::Pause>();
}

}  // namespace contend::locks
