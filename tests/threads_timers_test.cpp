// threads.timers: no method ever fires before its deadline (periodic
// schedule, every method at 10 us, 100 us and 1 ms), the kernel periodic
// timer accounts for every period, a cancel made before the deadline always
// wins, and the validation does catch a timer that fires early and a cancel
// that is lost (test doubles that break those promises). Timing is only
// asserted in the direction the kernel guarantees (never early); how late a
// timer is depends on the machine and is not asserted.
#include <gtest/gtest.h>

#include <string>

#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"
#include "suites/threads/register_threads.hpp"
#include "suites/threads/timers_cancel.hpp"
#include "tests/scenario_test_support.hpp"

namespace contend {
namespace {

using namespace timers;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr double kTicksPerNs = 1.0;  // the histogram's unit does not matter here

template <class M>
void expect_never_early(const char* name) {
    for (const auto delay : {microseconds(10), microseconds(100), microseconds(1000)}) {
        M method;
        TickRecord r;
        run_ticks(method, delay, milliseconds(8), kMinTicks, &r, kTicksPerNs);
        SCOPED_TRACE(std::string(name) + " at " + std::to_string(delay.count()) + " us");
        EXPECT_EQ(r.early, 0u) << "worst " << r.worst_early_ns << " ns early";
        EXPECT_GE(r.ticks, kMinTicks);
        EXPECT_EQ(r.overshoot.count(), r.ticks);
        EXPECT_GE(r.periods, r.ticks);  // coalesced kernel ticks count as periods too
        EXPECT_GE(r.drift_ns, 0.0);     // the last tick was not early either
        Sample s;
        report_ticks(s, r, delay);
        EXPECT_TRUE(s.valid) << s.detail;
    }
}

TEST(TimersNeverFireEarly, SleepFor) {
    expect_never_early<SleepFor>("sleep_for");
}
TEST(TimersNeverFireEarly, SleepUntil) {
    expect_never_early<SleepUntil>("sleep_until");
}
TEST(TimersNeverFireEarly, CvWaitUntil) {
    expect_never_early<CvWaitUntil>("cv_wait_until");
}
TEST(TimersNeverFireEarly, TimerfdOneshot) {
    expect_never_early<TimerfdOneshot>("timerfd_oneshot");
}
TEST(TimersNeverFireEarly, TimerfdPeriodic) {
    expect_never_early<TimerfdPeriodic>("timerfd_periodic");
}
TEST(TimersNeverFireEarly, SpinUntil) {
    expect_never_early<SpinUntil>("spin_until");
}

// A broken timer: returns at once, long before its deadline (50 ms away).
struct EarlyTimer {
    static constexpr Deadline deadline = Deadline::Absolute;
    static constexpr bool cancellable = false;
    void start(TimePoint, Nanos) {}
    Wake wait(TimePoint, Nanos) { return {}; }
};

TEST(TimersValidation, AnEarlyTimerMakesTheSampleInvalid) {
    EarlyTimer method;
    TickRecord r;
    run_ticks(method, milliseconds(50), Nanos(0), kMinTicks, &r, kTicksPerNs);
    EXPECT_EQ(r.ticks, kMinTicks);
    EXPECT_GE(r.early, 1u);  // unless this thread slept 50 ms between two clock reads
    Sample s;
    report_ticks(s, r, milliseconds(50));
    EXPECT_FALSE(s.valid);
    EXPECT_NE(s.detail.find("before their deadline"), std::string::npos) << s.detail;
}

// Runs cancel rounds with a real canceller thread; returns the waiter's record.
template <class M>
CancelRecord cancel(M& method, Nanos delay, std::uint64_t rounds) {
    CancelShared shared;
    CancelRecord r;
    std::thread canceller([&] { cancel_issuer(method, shared, delay); });
    std::uint32_t round = 0;
    cancel_rounds(method, shared, round, delay, Nanos(0), rounds, &r, kTicksPerNs);
    stop_canceller(shared);
    canceller.join();
    return r;
}

// Cancelled halfway through 40 ms: the canceller would have to be 20 ms late
// for the timer to fire first, and then the round is counted, not failed.
template <class M>
void expect_cancel_wins(const char* name) {
    M method;
    const CancelRecord r = cancel(method, milliseconds(40), 3);
    SCOPED_TRACE(name);
    EXPECT_EQ(r.rounds, 3u);
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.early, 0u);
    EXPECT_EQ(r.cancelled + r.fired_first, r.rounds);
    EXPECT_GE(r.cancelled, 1u);
    EXPECT_EQ(r.latency.count(), r.cancelled);
}

TEST(TimersCancel, CvWaitUntil) {
    expect_cancel_wins<CvWaitUntil>("cv_wait_until");
}
TEST(TimersCancel, TimerfdOneshot) {
    expect_cancel_wins<TimerfdOneshot>("timerfd_oneshot");
}
TEST(TimersCancel, SpinUntil) {
    expect_cancel_wins<SpinUntil>("spin_until");
}

// A broken cancel: ignored, the wait runs to its deadline.
struct DeafTimer : SleepUntil {
    static constexpr bool cancellable = true;
    void cancel() {}
    void reset() {}
};

TEST(TimersValidation, ALostCancelMakesTheSampleInvalid) {
    DeafTimer method;
    const CancelRecord r = cancel(method, milliseconds(40), 2);
    EXPECT_EQ(r.cancelled, 0u);
    EXPECT_EQ(r.lost + r.fired_first, 2u);
    EXPECT_GE(r.lost, 1u);  // the canceller would have to be 20 ms late twice
    CancelShared shared;
    Sample s;
    report_cancels(s, r, shared, milliseconds(40));
    EXPECT_FALSE(s.valid);
    EXPECT_NE(s.detail.find("had returned before the deadline"), std::string::npos) << s.detail;
}

// Through the registered runner: a whole repetition, slack recorded.
TEST(TimersScenario, RegisteredCaseIsValidAndRecordsTheSlack) {
    Registry r;
    r.add_suite("threads", "test");
    register_timers_scenario(r);
    const ScenarioInfo& sc = *r.scenario("threads.timers");
    const auto clock = cycle_clock::calibrate(milliseconds(5));
    for (const std::string pattern : {"periodic", "cancel"}) {
        ParamPoint p;
        p.set("delay_us", std::int64_t{500});
        p.set("pattern", pattern);
        p.set("slack_ns", std::int64_t{1000});
        CaseConfig c = test::short_case(sc.name, r.primitive("cv_wait_until"), sc.thread_count(p),
                                        clock, 10'000'000, 1'000'000);
        c.params = p;
        const Sample s = sc.runners.at("cv_wait_until")(c);
        SCOPED_TRACE(pattern);
        EXPECT_TRUE(s.valid) << s.detail;
        EXPECT_EQ(s.metrics.at("timer_slack_ns").get<long>(), 1000);
        EXPECT_EQ(s.threads.size(), pattern == "cancel" ? 2u : 1u);
        EXPECT_GE(s.threads[0].ops, kMinTicks);
        EXPECT_EQ(s.latencies.at(0).first, pattern == "cancel" ? "cancel_latency" : "overshoot");
    }
}

TEST(TimersScenario, OnlyCancellableMethodsRunTheCancelPattern) {
    Registry r;
    r.add_suite("threads", "test");
    register_timers_scenario(r);
    const ScenarioInfo& sc = *r.scenario("threads.timers");
    ParamPoint p;
    p.set("delay_us", std::int64_t{1000});
    p.set("pattern", std::string("cancel"));
    p.set("slack_ns", std::int64_t{0});
    for (const auto& name : sc.primitives) {
        const bool can =
            name == "cv_wait_until" || name == "timerfd_oneshot" || name == "spin_until";
        EXPECT_EQ(sc.unsupported(*r.primitive(name), p).empty(), can) << name;
    }
    p.set("pattern", std::string("periodic"));
    for (const auto& name : sc.primitives) EXPECT_EQ(sc.unsupported(*r.primitive(name), p), "");
}

}  // namespace
}  // namespace contend
