#include "harness/thread_team.hpp"

#include <sched.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "harness/busy_work.hpp"
#include "harness/idle_window.hpp"
#include "harness/os_thread_state.hpp"
#include "harness/polite_wait.hpp"
#include "harness/registry.hpp"
#include "harness/topology.hpp"

namespace contend {
int current_os_tid() {
    return static_cast<int>(syscall(SYS_gettid));
}

TeamConfig team_config(const CaseConfig& c) {
    TeamConfig t{c.threads, c.warmup_ns, c.duration_ns, c.thread_cpus, c.clock->ticks_per_ns};
    t.latency_ns = c.latency_ns;
    t.sample_every = c.sample_every;
    t.timer_overhead_ns = c.clock->overhead_ns_median;
    t.perturb = c.perturb;
    t.on_stall = c.on_stall;
    if (c.busy) t.busy_iterations_per_ns = c.busy->iterations_per_ns();
    return t;
}

std::uint32_t choose_sample_every(double ns_per_op, double overhead_ns, std::uint32_t reads) {
    if (!(ns_per_op > 0) || !(overhead_ns > 0)) return 1;
    const double n = std::ceil(reads * overhead_ns / (kTimingBudget * ns_per_op));
    return static_cast<std::uint32_t>(std::clamp(n, 1.0, 1e6));
}

void ThreadContext::wait_start() {
    arrived_.fetch_add(1, std::memory_order_acq_rel);
    wait_until([&] { return phase_.load(std::memory_order_acquire) != Phase::Waiting; });
}

void ThreadContext::begin_window() {
    slot_.self_counting.store(true, std::memory_order_relaxed);
    enter_window();
}

void ThreadContext::enter_window() {
    wait_until([&] { return phase_.load(std::memory_order_acquire) != Phase::Warmup; });
    in_window_ = true;
    slot_.window.open();
}

void ThreadContext::end_window(std::uint64_t ops) {
    slot_.window.close(ops);
    in_window_ = false;
}

void ThreadContext::end_window_counted(std::uint64_t n) {
    slot_.window.close(0);  // counted by the coordinator's snapshots
    window_last_ = n;
    in_window_ = false;
}

std::uint64_t ThreadContext::batch_size(std::uint64_t warmup_ops) const {
    if (warmup_ops == 0 || cfg_.warmup_ns <= 0) return 1;
    const double ns_per_op = static_cast<double>(cfg_.warmup_ns) / static_cast<double>(warmup_ops);
    return static_cast<std::uint64_t>(
        std::clamp(kBatchNs / ns_per_op, 1.0, static_cast<double>(kMaxBatch)));
}

std::uint32_t ThreadContext::sample_every(std::uint32_t reads_per_op) const {
    if (cfg_.sample_every != 0) return cfg_.sample_every;
    const std::uint64_t ops = window_last_ - window_first_;
    if (ops == 0) return 1;  // no operation finished in the window: each one is slow
    const double ns = static_cast<double>(slot_.window.end.ticks - slot_.window.begin.ticks) /
                      (cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1.0);
    return choose_sample_every(ns / static_cast<double>(ops), cfg_.timer_overhead_ns, reads_per_op);
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
    tick = tick && cfg_.tick;
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

void Team::judge_quiet() {
    if (!quiet_.closed()) return;
    const std::uint64_t now = cycle_clock::now();
    if (quiet_since_ == 0) {
        quiet_since_ = now;
        quiet_switches_.assign(slots_.size(), -1);
    }
    const double tpn = cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1;
    // Long enough for the watch to see a sleeper whose operation has just
    // begun (it looks after half its bound) through its whole bound.
    const auto bound = static_cast<std::uint64_t>(
        static_cast<double>(2 * cfg_.stall_ns + kQuietPollNs * 10) * tpn);
    if (!stall_.empty() || now - quiet_since_ > bound || quiet_settled()) {
        quiet_since_ = 0;
        quiet_.open();
    }
}

bool Team::quiet_settled() {
    // Inside an operation: running (woken, or it never slept: nothing for the
    // watch to find) or asleep. A sleeper that was woken since this quiet
    // first saw it (a sleep with a timeout, a spurious wake-up) is settled.
    int running = 0;
    std::vector<int> sleepers;
    for (std::size_t t = 0; t < slots_.size(); ++t) {
        if (slots_[t].op_since.load(std::memory_order_relaxed) == 0) continue;
        const auto state = probes_[t].state();
        if (!state) continue;  // gone: nothing to wait for
        if (!state->asleep) {
            ++running;
            continue;
        }
        long& seen = quiet_switches_[t];
        if (seen < 0) seen = state->voluntary_switches;
        if (seen == state->voluntary_switches) sleepers.push_back(static_cast<int>(t));
    }
    if (sleepers.empty()) return true;
    // What a sleeper waits for is judged only when nobody runs inside an
    // operation (TeamConfig::available); until then the quiet goes on.
    if (running > 0) return false;
    for (int t : sleepers)
        if (cfg_.available(t, slots_)) return false;
    return true;
}

void Team::watch_stalls() {
    if (!stall_.empty()) return;  // the first stall says enough
    watch_.resize(slots_.size());
    const std::uint64_t now = cycle_clock::now();
    const double tpn = cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1;
    const auto bound = static_cast<std::uint64_t>(static_cast<double>(cfg_.stall_ns) * tpn);
    // Threads running inside an operation: one of them may hold the lock
    // without having marked it yet, or have moved an item without having
    // published the count. Read at most once per watch.
    int running = -1;
    auto count_running = [&] {
        running = 0;
        for (std::size_t u = 0; u < slots_.size(); ++u)
            if (slots_[u].op_since.load(std::memory_order_relaxed) != 0)
                running += !probes_[u].asleep();
    };
    for (std::size_t t = 0; t < slots_.size(); ++t) {
        StallWatch& w = watch_[t];
        const std::uint64_t since = slots_[t].op_since.load(std::memory_order_relaxed);
        if (since == 0 || since != w.op_since) {  // a new operation, or none
            w = {since, 0, -1};
            continue;
        }
        if (now - since < bound / 2) continue;  // short so far: no need to look
        if (running < 0) count_running();
        const auto state = probes_[t].state();
        const bool quiet_and_available =
            state && state->asleep && running == 0 && cfg_.available(static_cast<int>(t), slots_);
        if (!quiet_and_available) {
            w.free_since = 0;
            continue;
        }
        if (w.free_since == 0 || state->voluntary_switches != w.switches) {
            w.free_since = now;  // (re)start: it was woken meanwhile
            w.switches = state->voluntary_switches;
            continue;
        }
        if (now - w.free_since < bound) continue;
        char what[256];
        std::snprintf(what, sizeof what,
                      "stalled: thread %zu slept in its operation for %.1f ms, %.1f ms of it "
                      "without being woken while what it waits for was available (a lost "
                      "wake-up)",
                      t, static_cast<double>(now - since) / tpn / 1e6,
                      static_cast<double>(now - w.free_since) / tpn / 1e6);
        stall_ = what;
        if (cfg_.on_stall) cfg_.on_stall(stall_, stopped_);
        return;
    }
}

void Team::watch_until_finished() {
    stopped_ = true;
    while (finished_.load(std::memory_order_acquire) < cfg_.threads) {
        watch_stalls();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
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
