#include "harness/thread_team.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>

#include "harness/cycle_clock.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

std::uint64_t thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

void thread_switches(std::int64_t& voluntary, std::int64_t& involuntary) {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    voluntary = ru.ru_nvcsw;
    involuntary = ru.ru_nivcsw;
}

// Waiting that stays polite when threads outnumber CPUs: spin briefly, then
// yield so a runnable worker gets the CPU.
template <class Pred>
void wait_until(Pred done) {
    for (int spins = 0; !done(); ++spins) {
        if (spins < 1000) {
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        } else {
            sched_yield();
        }
    }
}

}  // namespace

void ThreadContext::wait_start() {
    arrived_.fetch_add(1, std::memory_order_acq_rel);
    wait_until([&] { return phase_.load(std::memory_order_acquire) != Phase::Waiting; });
}

void ThreadContext::begin_window() {
    wait_until([&] { return phase_.load(std::memory_order_acquire) != Phase::Warmup; });
    window_.start_ticks = cycle_clock::now();
    window_.cpu_ns_start = thread_cpu_ns();
    thread_switches(window_.vcs_start, window_.ivcs_start);
}

void ThreadContext::end_window(std::uint64_t ops) {
    window_.cpu_ns_end = thread_cpu_ns();
    thread_switches(window_.vcs_end, window_.ivcs_end);
    window_.ops = ops;
    window_.cpu = sched_getcpu();
}

bool Team::pin(int cpu) {
    return pin_current_thread(cpu);
}

void Team::coordinate() {
    wait_until([&] { return arrived_.load(std::memory_order_acquire) == cfg_.threads; });
    phase_.store(Phase::Warmup, std::memory_order_release);
    if (cfg_.warmup_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(cfg_.warmup_ns));
    window_start_ = std::chrono::steady_clock::now();
    phase_.store(Phase::Measure, std::memory_order_release);
    const auto end = window_start_ + std::chrono::nanoseconds(cfg_.duration_ns);
    if (cfg_.tick) {
        for (auto now = std::chrono::steady_clock::now(); now < end;
             now = std::chrono::steady_clock::now()) {
            cfg_.tick();
            std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
                end - now, std::chrono::nanoseconds(cfg_.tick_ns)));
        }
    } else {
        std::this_thread::sleep_until(end);
    }
    phase_.store(Phase::Stop, std::memory_order_release);
    window_end_ = std::chrono::steady_clock::now();
    if (cfg_.after_stop) cfg_.after_stop();
}

Sample Team::collect() const {
    Sample s;
    s.window_ns = std::chrono::duration<double, std::nano>(window_end_ - window_start_).count();
    std::uint64_t first = UINT64_MAX, last = 0;
    for (const auto& w : windows_) {
        ThreadSample t;
        t.ops = w.ops;
        t.cpu_ns = w.cpu_ns_end - w.cpu_ns_start;
        t.voluntary_cs = w.vcs_end - w.vcs_start;
        t.involuntary_cs = w.ivcs_end - w.ivcs_start;
        t.cpu = w.cpu;
        t.pin_failed = !w.pinned_ok;
        s.threads.push_back(t);
        first = std::min(first, w.start_ticks);
        last = std::max(last, w.start_ticks);
    }
    const double tpn = cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1;
    s.start_skew_ns = windows_.empty() ? 0 : static_cast<double>(last - first) / tpn;
    s.thread_cpus = cfg_.thread_cpus;
    return s;
}

}  // namespace contend
