#include "harness/busy_work.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "harness/cycle_clock.hpp"
#include "harness/sample.hpp"
#include "harness/topology.hpp"

namespace contend {

namespace {

BusyWork g_current;  // BusyWork::current()

// Median of a few values (modifies them).
double median_of(std::vector<double>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// Mean ticks of one spin_for(ticks) call over `calls` back-to-back calls.
double ticks_per_call(std::uint64_t ticks, int calls) noexcept {
    const std::uint64_t t0 = cycle_clock::now_ordered();
    for (int i = 0; i < calls; ++i) spin_for(ticks);
    return static_cast<double>(cycle_clock::now_ordered() - t0) / calls;
}

double thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

long involuntary_switches() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nivcsw;
}

constexpr double kProbeNs = 200;  // the typical short delay (cs_ns of the default run: 100-1000)

struct Estimate {
    double overshoot_ticks = 0;
    bool quiet = false;
};

// One estimate of the overshoot on the calling thread's CPU: the median of
// `batches` batches of ~`batch_ns` each, and whether the thread had the CPU
// to itself meanwhile.
Estimate estimate_overshoot(double ticks_per_ns, int batches, double batch_ns) {
    const auto probe = static_cast<std::uint64_t>(std::llround(kProbeNs * ticks_per_ns));
    const int calls = std::max(1, static_cast<int>(batch_ns / kProbeNs));
    const auto wall0 = std::chrono::steady_clock::now();
    const double cpu0 = thread_cpu_ns();
    const long switches0 = involuntary_switches();
    (void)ticks_per_call(probe, calls);  // warm-up
    std::vector<double> per_call(static_cast<std::size_t>(batches));
    for (double& t : per_call) t = ticks_per_call(probe, calls);
    const double cpu = thread_cpu_ns() - cpu0;
    const double wall =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - wall0).count();
    Estimate e;
    e.overshoot_ticks = std::max(0.0, median_of(per_call) - static_cast<double>(probe));
    e.quiet = wall > 0 && cpu >= 0.9 * wall && involuntary_switches() == switches0;
    return e;
}

// CpuDelayCalibration::timed_overhead_ticks for a delay of `overshoot`:
// the trimmed mean of single delays timed between two ordered reads, less
// what one adds to a loop. Single readings step with the counter's
// resolution; their mean over 2,000 does not.
double timed_overhead(double ticks_per_ns, double overshoot) {
    const auto probe =
        static_cast<std::uint64_t>(std::max(1.0, std::round(kProbeNs * ticks_per_ns - overshoot)));
    const double per_call = static_cast<double>(probe) + overshoot;
    double sum = 0;
    int n = 0;
    for (int i = 0; i < 2000; ++i) {
        const std::uint64_t t0 = cycle_clock::now_ordered();
        spin_for(probe);
        const auto t = static_cast<double>(cycle_clock::now_ordered() - t0);
        if (t < 2 * per_call) sum += t, ++n;  // a preempted one is not the instrument
    }
    return n > 0 ? std::max(0.0, sum / n - per_call) : 0.0;
}

CpuDelayCalibration calibrate_this_cpu(int cpu, double ticks_per_ns) {
    constexpr int kMaxAttempts = 12;
    const double agree_ticks = std::max(1.0, 0.01 * kProbeNs) * ticks_per_ns;
    CpuDelayCalibration c;
    c.cpu = cpu;
    Estimate previous;
    bool have_previous = false;
    for (c.attempts = 1; c.attempts <= kMaxAttempts; ++c.attempts) {
        // ~5 ms: longer than a time slice is short (3-6 ms when two threads
        // share a CPU), so two estimates in a row cannot both miss a thread
        // that takes turns with the calibration.
        const Estimate e = estimate_overshoot(ticks_per_ns, 25, 2e5);
        c.overshoot_ticks = e.overshoot_ticks;
        if (e.quiet && have_previous && previous.quiet &&
            std::fabs(e.overshoot_ticks - previous.overshoot_ticks) <= agree_ticks) {
            c.overshoot_ticks = (e.overshoot_ticks + previous.overshoot_ticks) / 2;
            c.timed_overhead_ticks = timed_overhead(ticks_per_ns, c.overshoot_ticks);
            c.quiet = true;
            return c;
        }
        // Not quiet: let whatever took the CPU finish before looking again.
        if (!e.quiet) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        previous = e;
        have_previous = true;
    }
    c.attempts = kMaxAttempts;
    c.timed_overhead_ticks = timed_overhead(ticks_per_ns, c.overshoot_ticks);
    return c;
}

}  // namespace

__attribute__((noinline, aligned(64))) void spin_ticks(std::uint64_t ticks) noexcept {
    // A read's value is taken when it issues and reaches the loop one read
    // later; the reads run back to back, so the average gap between them so
    // far is that latency. The loop stops at the read whose result arrives
    // nearest the deadline (less than half a read before it), so a delay
    // ends within half a read either side and on average on time, whatever
    // one read costs at the moment: it moved between 6 and 24 ns here with
    // the host's load, and a fixed allowance for it left every delay of a
    // run 18 ns long or short.
    const std::uint64_t start = cycle_clock::now();
    const auto deadline = static_cast<std::int64_t>(ticks);
    std::int64_t reads = 0, elapsed = 0;
    do {
        elapsed = static_cast<std::int64_t>(cycle_clock::now() - start);
        ++reads;
        // remaining - latency > latency / 2, latency = elapsed / reads;
        // 128-bit: the product overflows 64 bits past ~10 s delays.
    } while (static_cast<__int128>(deadline - elapsed) * (2 * reads) >
             static_cast<__int128>(3) * elapsed);
}

const BusyWork& BusyWork::current() noexcept {
    return g_current;
}

const BusyWork& BusyWork::calibrate(const cycle_clock::Calibration& clock,
                                    const std::vector<int>& cpus) {
    BusyWork b;
    b.ticks_per_ns_ = clock.ticks_per_ns > 0 ? clock.ticks_per_ns : 1;

    cpu_set_t before;
    const bool restore = sched_getaffinity(0, sizeof(before), &before) == 0;
    for (int cpu : cpus) {
        if (!pin_current_thread(cpu)) continue;
        b.per_cpu_.push_back(calibrate_this_cpu(cpu, b.ticks_per_ns_));
    }
    if (restore) sched_setaffinity(0, sizeof(before), &before);
    if (b.per_cpu_.empty()) b.per_cpu_.push_back(calibrate_this_cpu(-1, b.ticks_per_ns_));
    std::vector<double> overshoots, timed;
    for (const auto& c : b.per_cpu_) {
        overshoots.push_back(c.overshoot_ticks);
        timed.push_back(c.timed_overhead_ticks);
    }
    b.median_overshoot_ticks_ = median_of(overshoots);
    b.timed_overhead_ticks_ = median_of(timed);
    g_current = std::move(b);
    return g_current;
}

double BusyWork::overshoot_ticks(int cpu) const noexcept {
    for (const auto& c : per_cpu_)
        if (c.cpu == cpu && cpu >= 0) return c.overshoot_ticks;
    return median_overshoot_ticks_;
}

std::uint64_t BusyWork::ticks_for(double ns, double overshoot_ticks) const noexcept {
    if (!(ns > 0)) return 0;
    const double ticks = std::round(ns * ticks_per_ns_ - overshoot_ticks);
    // 2^64 as a double; anything at or above it saturates.
    constexpr double kLimit = 18446744073709551616.0;
    if (!(ticks < kLimit)) return std::numeric_limits<std::uint64_t>::max();
    return ticks >= 1 ? static_cast<std::uint64_t>(ticks) : 1;
}

double BusyWork::measure_ns(std::uint64_t ticks, int trials) const {
    trials = std::max(trials, 1);
    const double expected_ns = static_cast<double>(ticks) / ticks_per_ns_;
    const int calls = static_cast<int>(
        std::clamp(std::ceil(2e4 / std::max(expected_ns, 1.0)), 1.0, static_cast<double>(1 << 16)));
    (void)ticks_per_call(ticks, calls);  // warm-up, discarded
    std::vector<double> per_call(static_cast<std::size_t>(trials));
    for (double& t : per_call) t = ticks_per_call(ticks, calls) / ticks_per_ns_;
    return median_of(per_call);
}

double BusyWork::check_here(int cpu) const {
    // The calibration's own estimator, smaller: a different instrument
    // (fewer calls per batch) read 4 % long where nothing was off.
    const double here = estimate_overshoot(ticks_per_ns_, 5, 2e4).overshoot_ticks;
    return (here - overshoot_ticks(cpu)) / (kProbeNs * ticks_per_ns_);
}

nlohmann::json BusyWork::to_json() const {
    nlohmann::json cpus = nlohmann::json::array();
    for (const auto& c : per_cpu_)
        cpus.push_back({{"cpu", c.cpu},
                        {"overshoot_ns", c.overshoot_ticks / ticks_per_ns_},
                        {"timed_overhead_ns", c.timed_overhead_ticks / ticks_per_ns_},
                        {"attempts", c.attempts},
                        {"quiet", c.quiet}});
    // iterations_per_ns: the delay's units per requested ns, whatever the
    // method (counter ticks here; loop iterations before protocol 3).
    return {{"method", "deadline"},
            {"iterations_per_ns", ticks_per_ns_},
            {"timed_overhead_ns", timed_overhead_ns()},
            {"per_cpu", cpus}};
}

}  // namespace contend
