#include "harness/thread_context.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "harness/busy_work.hpp"
#include "harness/polite_wait.hpp"
#include "harness/registry.hpp"
#include "harness/stressed_context.hpp"

namespace contend {

TeamConfig team_config(const CaseConfig& c) {
    TeamConfig t{c.threads, c.warmup_ns, c.duration_ns, c.thread_cpus, c.clock->ticks_per_ns};
    t.latency_ns = c.latency_ns;
    t.sample_every = c.sample_every;
    t.timer_overhead_ns = c.clock->overhead_ns_median;
    t.perturb = c.perturb;
    t.on_stall = c.on_stall;
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

}  // namespace contend
