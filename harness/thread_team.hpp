#pragma once
// Team: runs a scenario's body on its threads under the measurement protocol
// (thread_context.hpp), or, in a stress trial, under perturbation with the
// stall watch (stressed_context.hpp), and returns the window's accounting.
#include <sched.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "harness/cache_line.hpp"
#include "harness/os_thread_state.hpp"
#include "harness/quiet_gate.hpp"
#include "harness/sample.hpp"
#include "harness/stressed_context.hpp"
#include "harness/thread_context.hpp"

namespace contend {

// How often the stall watch looks while the quiet gate is closed
// (quiet_gate.hpp): a correct primitive's quiet lasts about this long.
inline constexpr std::int64_t kQuietPollNs = 100'000;

// Runs body(ThreadContext&) on `threads` threads and returns the window and
// per-thread accounting in a Sample (the scenario adds its own figures).
class Team {
  public:
    explicit Team(TeamConfig cfg)
        : cfg_(std::move(cfg)), slots_(cfg_.threads), probes_(cfg_.perturb ? cfg_.threads : 0) {}

    template <class Body>
    Sample run(Body&& body) {
        std::vector<std::thread> workers;
        workers.reserve(cfg_.threads);
        for (int t = 0; t < cfg_.threads; ++t)
            workers.emplace_back([this, t, &body] {
                if (cfg_.perturb)
                    work<StressedContext>(t, body);
                else
                    work<ThreadContext>(t, body);
                finished_.fetch_add(1, std::memory_order_release);
            });
        const int coordinator_cpu = place_coordinator();
        coordinate();
        if (watching_stalls()) watch_until_finished();
        for (auto& w : workers) w.join();
        restore_coordinator();
        Sample s = collect();
        s.coordinator_cpu = coordinator_cpu;
        return s;
    }

  private:
    // One worker's life. Out of line and one per context type, so that the
    // measured worker is compiled exactly as it would be without stress mode
    // (with both contexts in one function, tas read ~10 % slower).
    template <class Context, class Body>
    [[gnu::noinline]] void work(int t, Body& body) {
        if (!cfg_.thread_cpus.empty()) slots_[t].pinned_ok = pin(cfg_.thread_cpus[t]);
        prepare_delays(cfg_.delays, slots_[t].delays);
        if constexpr (std::is_same_v<Context, StressedContext>) {
            Context ctx(t, phase_, arrived_, slots_[t], cfg_, slots_, probes_,
                        watching_stalls() ? &quiet_ : nullptr);
            body(ctx);
        } else {
            Context ctx(t, phase_, arrived_, slots_[t], cfg_);
            body(ctx);
        }
    }
    bool watching_stalls() const { return cfg_.perturb && cfg_.available; }
    static bool pin(int cpu);
    // With pinned workers, moves the calling (coordinating) thread to an
    // allowed CPU no worker uses, if there is one, so its wake-ups do not
    // preempt a measured thread; returns that CPU or -1.
    int place_coordinator();
    void restore_coordinator();
    void coordinate();  // barrier release, warm-up, window, latency phase, stop
    // Sleeps until `end`, calling TeamConfig::tick about every tick_ns if
    // `tick`; in stress mode with TeamConfig::available, also watches for
    // stalls every millisecond, and every kQuietPollNs while the quiet gate
    // is closed (a worker closing it wakes this thread at once).
    void sleep_ticking(std::chrono::steady_clock::time_point end, bool tick);
    void watch_stalls();
    // Opens the quiet gate once no thread inside an operation is a possible
    // lost wake-up, a stall was found, or the quiet has lasted its bound.
    void judge_quiet();
    bool quiet_settled();
    // After the stop, until every worker has returned: a thread asleep with
    // nobody left to wake it is the unrescued lost wake-up.
    void watch_until_finished();
    void snapshot(bool at_start);
    // Whether any thread published an operation since the window's start
    // snapshot, or counts its own (the manual protocol, which the
    // coordinator cannot watch and so never extends).
    bool progressed_in_window() const;
    Sample collect() const;

    TeamConfig cfg_;
    std::vector<ThreadSlot> slots_;
    std::vector<OsThreadProbe> probes_;  // stress mode: each worker's, for the stall watch
    alignas(kCacheLine) std::atomic<Phase> phase_{Phase::Waiting};
    alignas(kCacheLine) std::atomic<int> arrived_{0};
    std::chrono::steady_clock::time_point window_start_, window_end_;
    std::chrono::steady_clock::duration window_extended_{};  // past the planned end
    // The stall watch's view of each thread, and the first stall it saw.
    struct StallWatch {
        std::uint64_t op_since = 0, free_since = 0;
        long switches = -1;
    };
    std::vector<StallWatch> watch_;
    std::string stall_;
    bool stopped_ = false;
    QuietGate quiet_;
    std::uint64_t quiet_since_ = 0;  // ticks; 0: the gate is open
    // Each sleeper's voluntary switches when this quiet first saw it asleep.
    std::vector<long> quiet_switches_;
    alignas(kCacheLine) std::atomic<int> finished_{0};
    cpu_set_t saved_affinity_{};
    bool moved_coordinator_ = false;
};

}  // namespace contend
