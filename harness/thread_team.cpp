#include "harness/thread_team.hpp"

#include <sched.h>

#include <algorithm>
#include <string>

#include "harness/idle_window.hpp"
#include "harness/polite_wait.hpp"
#include "harness/topology.hpp"

namespace contend {

bool spare_cpu_for_ticks(const TeamConfig& cfg) {
    return cfg.threads < Topology::get().allowed_cpus();
}

bool Team::pin(int cpu) {
    return pin_current_thread(cpu);
}

int Team::place_coordinator() {
    if (cfg_.thread_cpus.empty()) return -1;
    for (int cpu : Topology::get().compact) {
        if (std::find(cfg_.thread_cpus.begin(), cfg_.thread_cpus.end(), cpu) !=
            cfg_.thread_cpus.end())
            continue;
        if (sched_getaffinity(0, sizeof saved_affinity_, &saved_affinity_) != 0) return -1;
        if (!pin_current_thread(cpu)) return -1;
        moved_coordinator_ = true;
        return cpu;
    }
    return -1;
}

void Team::restore_coordinator() {
    if (moved_coordinator_) sched_setaffinity(0, sizeof saved_affinity_, &saved_affinity_);
    moved_coordinator_ = false;
}

void Team::snapshot(bool at_start) {
    for (auto& s : slots_) {
        const std::uint64_t v = s.published.load(std::memory_order_relaxed);
        (at_start ? s.snap_start : s.snap_end) = v;
    }
}

bool Team::progressed_in_window() const {
    for (const auto& s : slots_)
        if (s.self_counting.load(std::memory_order_relaxed) ||
            s.published.load(std::memory_order_relaxed) != s.snap_start)
            return true;
    return false;
}

void Team::sleep_ticking(std::chrono::steady_clock::time_point end, bool tick) {
    using Clock = std::chrono::steady_clock;
    // A tick wakes the coordinator, which preempts a worker when every CPU
    // has one: then there is no tick at all (its figures are null, saying
    // why), rather than a 1 ms interruption under a gated latency.
    tick = tick && cfg_.tick && spare_cpu_for_ticks(cfg_);
    const bool watch = watching_stalls();
    if (!tick && !watch) {
        std::this_thread::sleep_until(end);
        return;
    }
    const auto tick_every = std::chrono::nanoseconds(cfg_.tick_ns);
    const auto step =
        watch ? std::min(tick_every, std::chrono::nanoseconds(1'000'000)) : tick_every;
    auto next_tick = Clock::now();
    for (auto now = Clock::now(); now < end; now = Clock::now()) {
        if (tick && now >= next_tick) {
            cfg_.tick(slots_);
            next_tick = now + tick_every;
        }
        const auto left = std::min<std::chrono::nanoseconds>(end - now, step);
        if (!watch) {
            std::this_thread::sleep_for(left);
            continue;
        }
        watch_stalls();
        judge_quiet();
        if (quiet_.closed())
            std::this_thread::sleep_for(std::min(left, std::chrono::nanoseconds(kQuietPollNs)));
        else
            quiet_.wait_closed(left.count());
    }
}

void Team::coordinate() {
    using Clock = std::chrono::steady_clock;
    wait_until([&] { return arrived_.load(std::memory_order_acquire) == cfg_.threads; });
    phase_.store(Phase::Warmup, std::memory_order_release);
    sleep_ticking(Clock::now() + std::chrono::nanoseconds(cfg_.warmup_ns), false);
    window_start_ = Clock::now();
    snapshot(true);
    phase_.store(Phase::Measure, std::memory_order_release);
    // The tick wakes the coordinator and reads every worker's line, which on
    // a machine without a spare CPU preempts a worker once per tick: it runs
    // in the latency phase, whose figures are sampled anyway, and in the
    // window only for a team that has no latency phase (the manual protocol).
    // Measured: a 1 ms tick in the window moved boost_queue's 1x1 figure to
    // 1.40x its bare loop; without it, 1.00x.
    const bool tick_in_window = cfg_.latency_ns <= 0;
    const auto planned_end = window_start_ + std::chrono::nanoseconds(cfg_.duration_ns);
    sleep_ticking(planned_end, tick_in_window);
    // A window in which no thread was seen to progress goes on until one is
    // (idle_window.hpp). Only the published protocol can be watched (see
    // self_counting).
    const WindowEnd end = end_window_after_progress(
        planned_end, cfg_.duration_ns, [&] { return progressed_in_window(); },
        [&](Clock::time_point until) { sleep_ticking(until, tick_in_window); });
    window_end_ = end.at;
    window_extended_ = end.extended;
    snapshot(false);
    if (cfg_.latency_ns > 0) {
        phase_.store(Phase::Latency, std::memory_order_release);
        sleep_ticking(Clock::now() + std::chrono::nanoseconds(cfg_.latency_ns), true);
    }
    phase_.store(Phase::Stop, std::memory_order_release);
    quiet_.retire();  // no worker may wait at the gate for an operation it will not run
    if (!cfg_.after_stop) return;
    if (!watching_stalls()) {
        cfg_.after_stop();
        return;
    }
    // Stress mode: the stop's own step can wait on a thread that a lost
    // wake-up left asleep (a blocking queue's poisons wait for a producer
    // asleep on a full queue whose consumers were never woken), so the watch
    // goes on while a helper runs it. Found by contend stress: skips_notify,
    // capacity 1, reported as a hang because nothing watched this wait.
    std::thread helper(cfg_.after_stop);
    watch_until_finished();
    helper.join();
}

Sample Team::collect() const {
    Sample s;
    if (!stall_.empty()) s.fail(stall_);
    s.window_ns = std::chrono::duration<double, std::nano>(window_end_ - window_start_).count();
    s.window_extended_ns = std::chrono::duration<double, std::nano>(window_extended_).count();
    s.latency_window_ns = static_cast<double>(cfg_.latency_ns);
    std::vector<const WindowSpan*> spans;
    for (const auto& w : slots_) {
        ThreadSample t = thread_sample(w.window);
        if (!w.self_counting.load(std::memory_order_relaxed)) t.ops = w.snap_end - w.snap_start;
        t.pin_failed = !w.pinned_ok;
        t.sample_every = w.sample_every;
        s.threads.push_back(t);
        spans.push_back(&w.window);
    }
    const double tpn = cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1;
    s.start_skew_ns = static_cast<double>(start_skew_ticks(spans)) / tpn;
    s.thread_cpus = cfg_.thread_cpus;
    if (!cfg_.delays.empty()) {
        std::vector<const ThreadDelays*> workers;
        for (const auto& w : slots_) workers.push_back(&w.delays);
        s.delays = report_delays(cfg_.delays, workers, tpn, cfg_.timer_overhead_ns);
    }
    return s;
}

}  // namespace contend
