// The measurement protocol's behaviour (harness/thread_team.hpp, issue 9):
// the throughput window reads no clock, an operation that finishes after the
// window is not counted, the latency phase samples about 1 in N, fairness is
// null below its threshold, and the queue delivery check catches what a count
// and two sums cannot.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/idle_window.hpp"
#include "harness/sample.hpp"
#include "harness/thread_team.hpp"
#include "suites/queues/delivery_check.hpp"
#include "suites/queues/message.hpp"
#include "suites/queues/primitives/mutex_fifo.hpp"
#include "suites/queues/throughput_scenario.hpp"

namespace contend {
namespace {

TeamConfig short_team(int threads, std::int64_t window_ns) {
    TeamConfig cfg;
    cfg.threads = threads;
    cfg.warmup_ns = 2'000'000;
    cfg.duration_ns = window_ns;
    cfg.latency_ns = window_ns / 2;
    cfg.ticks_per_ns = cycle_clock::calibrate(std::chrono::milliseconds(2)).ticks_per_ns;
    return cfg;
}

// One thread, the window alone: no warm-up, no latency phase.
TeamConfig window_only(std::int64_t window_ns) {
    TeamConfig cfg = short_team(1, window_ns);
    cfg.warmup_ns = 0;
    cfg.latency_ns = 0;
    return cfg;
}

TEST(MeasurementProtocol, ThroughputWindowReadsNoClock) {
    // The op records, for every timed call (a Timed clock), whether it ran in
    // the window; the clock it gets in the window must never be a real one.
    std::atomic<std::uint64_t> timed_in_window{0}, timed{0}, reads{0};
    TeamConfig cfg = short_team(2, 20'000'000);
    cfg.sample_every = 4;
    Team team(cfg);
    const Sample s = team.run([&](ThreadContext& ctx) {
        ctx.run([&](auto clk) {
            const std::uint64_t t0 = clk.now();
            if constexpr (decltype(clk)::timed) {
                reads.fetch_add(1 + (clk.now() >= t0), std::memory_order_relaxed);
                timed.fetch_add(1, std::memory_order_relaxed);
                timed_in_window.fetch_add(ctx.in_window(), std::memory_order_relaxed);
            }
        });
    });
    EXPECT_GT(s.total_ops(), 0u);
    EXPECT_GT(timed.load(), 0u) << "the latency phase timed nothing";
    EXPECT_EQ(timed_in_window.load(), 0u) << "a clock was read in the throughput window";
    EXPECT_EQ(reads.load(), 2 * timed.load());
    for (const auto& t : s.threads) EXPECT_EQ(t.sample_every, 4u);
}

TEST(MeasurementProtocol, SampledPhaseTimesAboutOneInN) {
    std::atomic<std::uint64_t> timed{0}, all{0};
    TeamConfig cfg = short_team(1, 10'000'000);
    cfg.sample_every = 10;
    Team team(cfg);
    team.run([&](ThreadContext& ctx) {
        ctx.run([&](auto clk) {
            if (!ctx.in_window()) all.fetch_add(1, std::memory_order_relaxed);
            if constexpr (decltype(clk)::timed) timed.fetch_add(1, std::memory_order_relaxed);
        });
    });
    ASSERT_GT(timed.load(), 100u);
    // Warm-up operations are in `all` too, so the ratio is only bounded above.
    EXPECT_LT(timed.load(), all.load() / 5);
}

TEST(MeasurementProtocol, OperationFinishingAfterTheWindowIsNotCounted) {
    // 10 ms operations in a 25 ms window: at most 3 can finish inside it.
    // The one in flight at the stop finishes ~5 ms later and must not count.
    Team team(window_only(25'000'000));
    const Sample s = team.run([&](ThreadContext& ctx) {
        ctx.run([&](auto) { std::this_thread::sleep_for(std::chrono::milliseconds(10)); });
    });
    ASSERT_EQ(s.threads.size(), 1u);
    EXPECT_LE(s.threads[0].ops, 3u);
    EXPECT_LE(static_cast<double>(s.threads[0].ops) * 10e6, s.window_ns + 1e6);
}

TEST(MeasurementProtocol, EmptyWindowWaitsForTheFirstOperation) {
    // A 20 ms operation and a 5 ms window: at the planned end nothing has
    // completed (as when the kernel leaves a worker unscheduled), so the
    // window goes on until the operation is published, and says by how much.
    Team team(window_only(5'000'000));
    const Sample s = team.run([&](ThreadContext& ctx) {
        ctx.run([&](auto) { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
    });
    EXPECT_EQ(s.total_ops(), 1u);
    EXPECT_GE(s.window_ns, 19e6);
    EXPECT_GE(s.window_extended_ns, 10e6);
    EXPECT_LE(s.window_extended_ns, s.window_ns);
}

TEST(MeasurementProtocol, WindowWithoutProgressEndsAtItsBound) {
    // An operation that never completes one (a lock that is never granted):
    // the extension is bounded and the window reports no operation.
    Team team(window_only(5'000'000));
    const Sample s = team.run([&](ThreadContext& ctx) {
        ctx.run([&](auto) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 0;
        });
    });
    EXPECT_EQ(s.total_ops(), 0u);
    EXPECT_GE(s.window_extended_ns, 0.99 * kIdleWindowBoundNs);
}

TEST(MeasurementProtocol, SelfCountingWindowIsNotExtended) {
    // The manual protocol publishes nothing: the coordinator cannot see its
    // progress and must not wait for it past the thread's begin_window()
    // (it is 0 unless the thread was not run before the planned end).
    Team team(window_only(5'000'000));
    const Sample s = team.run([&](ThreadContext& ctx) {
        ctx.wait_start();
        ctx.begin_window();
        std::uint64_t ops = 0;
        while (ctx.measuring()) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
            ++ops;
        }
        ctx.end_window(ops);
    });
    EXPECT_GT(s.total_ops(), 0u);
    EXPECT_LT(s.window_extended_ns, 0.5 * kIdleWindowBoundNs);
}

TEST(MeasurementProtocol, AutomaticSampleEveryKeepsTimingUnderOnePercent) {
    // 3 reads of 10 ns against a 1 ns operation: timing every 3000th costs 1 %.
    EXPECT_EQ(choose_sample_every(1.0, 10.0, 3), 3000u);
    EXPECT_EQ(choose_sample_every(10'000.0, 10.0, 3), 1u);  // slow op: time every one
    EXPECT_EQ(choose_sample_every(0.0, 10.0, 3), 1u);       // unknown cost
}

Sample with_counts(std::vector<std::uint64_t> ops) {
    Sample s;
    s.window_ns = 1e6;
    for (auto n : ops) {
        ThreadSample t;
        t.ops = n;
        s.threads.push_back(t);
    }
    return s;
}

TEST(Fairness, NullWithItsReasonBelowTheThreshold) {
    cycle_clock::Calibration clock;
    const auto few = sample_to_json(with_counts({50, 60}), clock, 2);
    EXPECT_TRUE(few["metrics"]["jain_index"].is_null());
    EXPECT_TRUE(few["metrics"]["starved_threads"].is_null());
    EXPECT_NE(few["metrics"]["fairness_null_reason"].get<std::string>().find("too few"),
              std::string::npos);
    const auto many = sample_to_json(with_counts({1000, 1000}), clock, 2);
    EXPECT_DOUBLE_EQ(many["metrics"]["jain_index"].get<double>(), 1.0);
    EXPECT_TRUE(many["metrics"]["fairness_null_reason"].is_null());
    // A starved thread beside busy ones keeps the index: the fair share is high.
    const auto starved = sample_to_json(with_counts({0, 5000}), clock, 2);
    EXPECT_DOUBLE_EQ(starved["metrics"]["jain_index"].get<double>(), 0.5);
}

TEST(Latency, PercentilesUnderTenTimesTheResolutionAreMarked) {
    cycle_clock::Calibration clock;
    clock.ticks_per_ns = 1;
    clock.resolution_ns = 10;
    Sample s = with_counts({1000});
    LatencyHistogram h;
    for (int i = 0; i < 98; ++i) h.record(20);
    for (int i = 0; i < 2; ++i) h.record(5000);
    s.latencies = {{"wait", h}};
    const auto j = sample_to_json(s, clock, 1)["latency"]["wait"];
    EXPECT_EQ(j["resolution_ns"].get<double>(), 10.0);
    const auto below = j["below_resolution"];
    EXPECT_NE(std::find(below.begin(), below.end(), "p50"), below.end());
    EXPECT_EQ(std::find(below.begin(), below.end(), "p999"), below.end());
}

TEST(Delivery, LossHiddenByDuplicatesWithEqualSumsIsCaught) {
    // Lose {1, 5, 6}, duplicate {2, 3, 7}: the count, the sum (12) and the sum
    // of squares (62) all match; the hash does not.
    queues::DeliveryTally got(1);
    for (std::uint64_t q : {0, 2, 2, 3, 3, 4, 7, 7, 8, 9}) got.receive(0, q, false);
    const auto v = queues::check_delivery({10}, {&got});
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.lost_or_duplicated, 0u);
    EXPECT_EQ(v.checksum_mismatches, 1u);

    queues::DeliveryTally all(1);
    for (std::uint64_t q = 0; q < 10; ++q) all.receive(0, q, true);
    EXPECT_TRUE(queues::check_delivery({10}, {&all}).ok);
}

TEST(Delivery, DrainedItemOlderThanADeliveredOneBreaksFifo) {
    std::vector<queues::DeliveryTally> consumers(1, queues::DeliveryTally(1));
    for (std::uint64_t q : {0, 1, 2, 5}) consumers[0].receive(0, q, true);
    EXPECT_EQ(consumers[0].order_violations(), 0u);
    queues::DeliveryTally drain(1);
    drain.expect_newer_than(consumers);
    drain.receive(0, 3, true);  // overtaken by 5, yet still in the queue
    drain.receive(0, 4, true);
    drain.receive(0, 6, true);
    EXPECT_EQ(drain.order_violations(), 2u);
}

// A FIFO that hands out every 97th message with a producer that never
// existed: garbage the delivery check must name, whether the consumer keeps
// its tally in registers (one producer) or per producer (two).
template <class T>
class ForeignQueue {
  public:
    explicit ForeignQueue(std::size_t capacity) : q_(capacity) {}
    bool try_push(const T& m) { return q_.try_push(m); }
    bool try_pop(T& m) {
        if (!q_.try_pop(m)) return false;
        if (++popped_ % 97 == 0) m.producer = 9;
        return true;
    }

  private:
    queues::MutexFifo<T> q_;
    std::uint64_t popped_ = 0;
};

TEST(Delivery, MessageFromAProducerThatDoesNotExistFailsTheSample) {
    using M = queues::Message<32>;
    QueueDeclaration declared;
    declared.name = "foreign_queue";
    declared.ordering = "fifo";
    const PrimitiveInfo info = declared;
    const auto clock = cycle_clock::calibrate(std::chrono::milliseconds(2));
    for (int producers : {1, 2}) {
        CaseConfig c;
        c.scenario = "queues.throughput";
        c.primitive = &info;
        c.threads = producers + 1;
        c.warmup_ns = 2'000'000;
        c.duration_ns = 10'000'000;
        c.clock = &clock;
        c.params.set("producers", std::int64_t{producers});
        c.params.set("consumers", std::int64_t{1});
        c.params.set("capacity", std::int64_t{64});
        c.params.set("wait", std::string("yield"));  // no bare loop: 1x1 spin only
        const Sample s = queues::run_throughput<ForeignQueue<M>, M>(c);
        EXPECT_FALSE(s.valid) << producers << " producers";
        EXPECT_GT(s.checks.at("foreign_messages").get<std::uint64_t>(), 0u);
        EXPECT_NE(s.detail.find("named a producer that does not exist"), std::string::npos)
            << s.detail;
    }
}

// ---- the coordinator's window end (harness/idle_window.hpp) -------------------

// The rule Team and run_ipc_throughput end their windows by: a window whose consumer
// made progress ends at once; one that did not waits, a step at a time, for
// the first sign of it and says by how much it overran.
TEST(IdleWindow, EndsAtOnceWhenProgressWasSeen) {
    int steps = 0;
    const auto planned = std::chrono::steady_clock::now();
    const WindowEnd e = end_window_after_progress(
        planned, 1'000'000, [] { return true; }, [&](auto) { ++steps; });
    EXPECT_EQ(steps, 0);
    EXPECT_EQ(e.extended, std::chrono::steady_clock::duration::zero());
    EXPECT_GE(e.at, planned);
}

TEST(IdleWindow, WaitsForTheFirstProgressAndSaysByHowMuch) {
    int looks = 0, steps = 0;
    const auto planned = std::chrono::steady_clock::now();
    const WindowEnd e = end_window_after_progress(
        planned, 1'000'000, [&] { return ++looks > 3; },
        [&](std::chrono::steady_clock::time_point until) {
            ++steps;
            EXPECT_GT(until, std::chrono::steady_clock::now());  // one step ahead
            std::this_thread::sleep_until(until);
        });
    EXPECT_EQ(steps, 3);
    EXPECT_GE(e.extended, 3 * kIdleWindowStep);
    EXPECT_EQ(e.at - planned, e.extended);
}

TEST(IdleWindow, GivesUpAtTheBound) {
    const auto planned = std::chrono::steady_clock::now();
    const WindowEnd e = end_window_after_progress(
        planned, 1'000'000, [] { return false; },
        [](std::chrono::steady_clock::time_point until) { std::this_thread::sleep_until(until); });
    EXPECT_GE(e.extended, std::chrono::nanoseconds(kIdleWindowBoundNs));
    EXPECT_LT(e.extended, 2 * std::chrono::nanoseconds(kIdleWindowBoundNs));  // loaded machines
}

}  // namespace
}  // namespace contend
