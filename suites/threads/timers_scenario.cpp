// threads.timers — delayed execution: how late each way of waiting wakes up,
// whether a periodic schedule drifts, what the waiting costs in CPU, and how
// fast a pending timer can be cancelled (timers_periodic.hpp,
// timers_cancel.hpp; the methods in timers_methods.hpp).
//
// The work is counted, not timed: a 100 ms timer cannot tick more often than
// ten times a second. So the window is a time budget: ticks (or cancel
// rounds) run until it is spent, and at least two run, which makes a
// repetition at most about two periods longer than the window. The warm-up
// runs the same method with a period no longer than the warm-up.
//
// The timer runs on a thread of its own, created per repetition, so that the
// timer slack it sets (prctl PR_SET_TIMERSLACK: how far the kernel may defer
// a sleeping thread's wake-up to batch it with others; 50 µs by default)
// cannot leak into the harness. The slack in force is recorded with every
// sample: it explains most of a sleep's overshoot.
#include <sys/prctl.h>

#include <algorithm>
#include <thread>
#include <type_traits>

#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"
#include "harness/topology.hpp"
#include "suites/threads/register_threads.hpp"
#include "suites/threads/timers_cancel.hpp"

namespace contend {
namespace {

using namespace timers;

constexpr const char* kScenario = "threads.timers";

// Pins and sets the timer slack of the calling thread; returns the slack in force.
long prepare_thread(const CaseConfig& c, int index, bool& pin_failed) {
    if (!c.thread_cpus.empty())
        pin_failed = !pin_current_thread(c.thread_cpus[index % c.thread_cpus.size()]);
    const std::int64_t slack = c.params.integer("slack_ns");
    if (slack > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack), 0, 0, 0);
    return prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
}

// What both patterns add to a reported sample: the pinning and timer slack
// the timer thread ran with, and the error that cut its run short, if any.
void finish(Sample& s, const CaseConfig& c, long slack, const std::string& error) {
    s.thread_cpus = c.thread_cpus;
    s.metrics["timer_slack_ns"] = slack;
    if (!error.empty()) {
        s.fail(error);
    }
}

template <class M>
Sample run_periodic(const CaseConfig& c, Nanos delay) {
    TickRecord rec;
    std::string error;
    long slack = -1;
    bool pin_failed = false;
    std::thread timer([&] {
        slack = prepare_thread(c, 0, pin_failed);
        try {
            M method;
            if (c.warmup_ns > 0)
                run_ticks(method, std::min(delay, Nanos(c.warmup_ns)), Nanos(c.warmup_ns), 1,
                          nullptr, c.clock->ticks_per_ns);
            run_ticks(method, delay, Nanos(c.duration_ns), kMinTicks, &rec, c.clock->ticks_per_ns);
        } catch (const std::exception& e) {
            error = e.what();
        }
    });
    timer.join();
    Sample s;
    report_ticks(s, rec, delay);
    s.threads[0].pin_failed = pin_failed;
    finish(s, c, slack, error);
    return s;
}

template <class M>
Sample run_cancel(const CaseConfig& c, Nanos delay) {
    CancelRecord rec;
    CancelShared shared;
    std::string error;
    long slack = -1;
    bool waiter_pin_failed = false, canceller_pin_failed = false;
    M method;  // shared by both threads: cancel() is called from the canceller
    std::thread canceller([&] {
        prepare_thread(c, 1, canceller_pin_failed);
        cancel_issuer(method, shared, delay);
    });
    std::thread waiter([&] {
        slack = prepare_thread(c, 0, waiter_pin_failed);
        std::uint32_t round = 0;
        const double tpn = c.clock->ticks_per_ns;
        try {
            if (c.warmup_ns > 0)
                cancel_rounds(method, shared, round, std::min(delay, Nanos(c.warmup_ns)),
                              Nanos(c.warmup_ns), 1, nullptr, tpn);
            cancel_rounds(method, shared, round, delay, Nanos(c.duration_ns), kMinTicks, &rec, tpn);
        } catch (const std::exception& e) {
            error = e.what();
        }
        stop_canceller(shared);
    });
    waiter.join();
    canceller.join();
    Sample s;
    report_cancels(s, rec, shared, delay);
    s.threads[0].pin_failed = waiter_pin_failed;
    s.threads[1].pin_failed = canceller_pin_failed;
    finish(s, c, slack, error);
    return s;
}

template <class M>
Sample run_timers(const CaseConfig& c) {
    const Nanos delay = std::chrono::microseconds(c.params.integer("delay_us"));
    try {
        if constexpr (M::cancellable)
            if (c.params.choice("pattern") == "cancel") return run_cancel<M>(c, delay);
        return run_periodic<M>(c, delay);
    } catch (const std::exception& e) {  // the method could not be set up (timerfd_create...)
        Sample s;
        s.threads.resize(1);
        s.fail(e.what());
        return s;
    }
}

bool is_cancellable(const std::string& primitive) {
    return primitive == "cv_wait_until" || primitive == "timerfd_oneshot" ||
           primitive == "spin_until";
}

std::string unsupported(const PrimitiveInfo& p, const ParamPoint& point) {
    if (point.choice("pattern") != "cancel" || is_cancellable(p.name)) return "";
    if (p.name == "timerfd_periodic")
        return "a cancelled timer is a one-shot timer: pattern=cancel runs on timerfd_oneshot";
    return p.name +
           " cannot be cancelled: a sleeping thread wakes at its deadline (a signal only "
           "interrupts it, and the sleep resumes)";
}

template <class M>
void add(Registry& r, const char* name, const char* description) {
    PrimitiveInfo info{.name = name, .family = "timer", .description = description};
    info.size_bytes = sizeof(M);
    info.align_bytes = alignof(M);
    info.blocking = !std::is_same_v<M, SpinUntil>;
    info.spins = std::is_same_v<M, SpinUntil>;
    const auto& p = r.add_primitive(info);
    if (is_cancellable(p.name) != M::cancellable)
        throw std::logic_error("threads.timers: cancellable list out of date for " + p.name);
    r.bind(kScenario, p.name, [](const CaseConfig& c) { return run_timers<M>(c); });
}

}  // namespace

void register_timers_scenario(Registry& r) {
    auto& s = r.add_scenario(
        {kScenario,
         "threads",
         "delayed execution: how late each way of waiting wakes (early = invalid), periodic drift "
         "of relative re-arming vs absolute deadlines, CPU burnt, cancel latency",
         {ParamSpec::integer("delay_us", 1000, 1, 100'000, "us",
                             "requested delay: the timer's period (cancel: its full delay)", true)
              // Across decades: the overshoot sleep adds is fixed (timer
              // slack), so its share shows only across delays.
              .in_preset("default", "100,1000,10000")
              .in_preset("full", "10,100,1000,10000,100000"),
          ParamSpec::choice("pattern", "periodic", {"periodic", "cancel"},
                            "periodic: tick every delay for the window (overshoot, drift, jitter, "
                            "CPU); cancel: another thread cancels the timer halfway")
              .in_preset("full", "periodic,cancel"),
          ParamSpec::integer("slack_ns", 0, 0, 100'000'000, "ns",
                             "timer slack of the waiting thread (PR_SET_TIMERSLACK); 0: keep the "
                             "default (50 us)")},
         {},
         {}});
    s.thread_count = [](const ParamPoint& p) { return p.choice("pattern") == "cancel" ? 2 : 1; };
    s.unsupported = unsupported;

    add<SleepFor>(r, "sleep_for",
                  "std::this_thread::sleep_for(delay) after each tick (nanosleep, relative: "
                  "lateness accumulates)");
    add<SleepUntil>(r, "sleep_until",
                    "std::this_thread::sleep_until(start + k*period) (absolute deadlines kept in "
                    "user space)");
    add<CvWaitUntil>(r, "cv_wait_until",
                     "std::condition_variable::wait_until on steady_clock, absolute deadlines; "
                     "cancel: notify");
    add<TimerfdOneshot>(r, "timerfd_oneshot",
                        "timerfd armed with a relative one-shot delay after each tick; cancel: "
                        "eventfd in the same poll");
    add<TimerfdPeriodic>(r, "timerfd_periodic",
                         "timerfd armed once with it_interval: the kernel keeps the schedule, "
                         "read() counts expirations");
    add<SpinUntil>(r, "spin_until",
                   "busy-wait on steady_clock until start + k*period (one CPU burnt); cancel: a "
                   "flag");
}

}  // namespace contend
