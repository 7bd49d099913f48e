#pragma once
// Runs one repetition's worker threads through the phases every contended
// scenario shares: a spin start barrier, a warm-up, a measured window, and one
// shared stop flag. Work per thread is counted, never fixed (fixed work hides
// unfairness and lets early finishers inflate throughput).
//
// A scenario's thread body is `ctx.run_phases(op)`, where op(measured) does
// one operation and records figures only when `measured` is true.
// The phase word is written three times per repetition and otherwise only
// read, so it stays shared in every cache and polling it costs an L1 hit.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <new>
#include <thread>
#include <vector>

#include "harness/sample.hpp"

namespace contend {

inline constexpr std::size_t kCacheLine = 64;

enum class Phase : int { Waiting, Warmup, Measure, Stop };

// Per-thread bookkeeping of the window, on its own cache line.
struct alignas(kCacheLine) ThreadWindow {
    std::uint64_t start_ticks = 0;
    std::uint64_t cpu_ns_start = 0, cpu_ns_end = 0;
    std::int64_t vcs_start = 0, vcs_end = 0, ivcs_start = 0, ivcs_end = 0;
    std::uint64_t ops = 0;
    int cpu = -1;
    bool pinned_ok = true;
};

class ThreadContext {
  public:
    ThreadContext(int tid, std::atomic<Phase>& phase, std::atomic<int>& arrived, ThreadWindow& w)
        : tid_(tid), phase_(phase), arrived_(arrived), window_(w) {}
    int tid() const { return tid_; }
    void wait_start();  // arrive at the barrier and spin until released
    bool warming() const { return phase_.load(std::memory_order_relaxed) == Phase::Warmup; }
    bool measuring() const { return phase_.load(std::memory_order_relaxed) == Phase::Measure; }
    void begin_window();                 // waits out the warm-up, snapshots CPU time
    void end_window(std::uint64_t ops);  // snapshots CPU time, records the count

    // Barrier, warm-up (op(false), not counted), measured window (op(true),
    // counted), then the window's accounting.
    template <class Op>
    void run_phases(Op&& op) {
        wait_start();
        while (warming()) op(false);
        begin_window();
        std::uint64_t ops = 0;
        while (measuring()) {
            op(true);
            ++ops;
        }
        end_window(ops);
    }

  private:
    int tid_;
    std::atomic<Phase>& phase_;
    std::atomic<int>& arrived_;
    ThreadWindow& window_;
};

struct TeamConfig {
    int threads = 1;
    std::int64_t warmup_ns = 0, duration_ns = 0;
    std::vector<int> thread_cpus{};  // empty: unpinned
    double ticks_per_ns = 1;         // cycle-clock calibration, for the start skew
    // Called by the coordinator about every `tick_ns` during the window (e.g.
    // to sample a queue's occupancy); must be cheap and not block.
    std::function<void()> tick{};
    std::int64_t tick_ns = 1'000'000;
    // Called by the coordinator right after the stop flag is set, before the
    // workers are joined: wakes threads blocked inside a primitive (e.g. by
    // pushing one poison message per blocked consumer).
    std::function<void()> after_stop{};
};

// Runs body(ThreadContext&) on `threads` threads and returns the window and
// per-thread accounting in a Sample (the scenario adds its own figures).
class Team {
  public:
    explicit Team(TeamConfig cfg) : cfg_(std::move(cfg)), windows_(cfg_.threads) {}

    template <class Body>
    Sample run(Body&& body) {
        std::vector<std::thread> workers;
        workers.reserve(cfg_.threads);
        for (int t = 0; t < cfg_.threads; ++t)
            workers.emplace_back([this, t, &body] {
                if (!cfg_.thread_cpus.empty()) windows_[t].pinned_ok = pin(cfg_.thread_cpus[t]);
                ThreadContext ctx(t, phase_, arrived_, windows_[t]);
                body(ctx);
            });
        coordinate();
        for (auto& w : workers) w.join();
        return collect();
    }

  private:
    static bool pin(int cpu);
    void coordinate();  // barrier release, warm-up, window, stop
    Sample collect() const;

    TeamConfig cfg_;
    std::vector<ThreadWindow> windows_;
    alignas(kCacheLine) std::atomic<Phase> phase_{Phase::Waiting};
    alignas(kCacheLine) std::atomic<int> arrived_{0};
    std::chrono::steady_clock::time_point window_start_, window_end_;
};

}  // namespace contend
