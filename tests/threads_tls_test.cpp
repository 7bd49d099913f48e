// threads.tls: every counting strategy counts exactly under contention, its
// live reads never go backwards nor miss the reader's own increments, and
// the scenario's measured run validates (final total = increments made,
// warm-up included). Correctness only: no timing is asserted.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "suites/threads/tls_run.hpp"
#include "suites/threads/tls_sharded_counter.hpp"
#include "suites/threads/tls_shared_atomic.hpp"
#include "suites/threads/tls_slot_counter.hpp"
#include "suites/threads/tls_thread_local_counter.hpp"
#include "tests/scenario_test_support.hpp"

namespace contend::tls {
namespace {

template <class C>
class CounterTest : public ::testing::Test {};
using Counters = ::testing::Types<SharedAtomicCounter, PackedSlotCounter, PaddedSlotCounter,
                                  ThreadLocalMergeCounter, ShardedCounter>;
TYPED_TEST_SUITE(CounterTest, Counters);

// Threads start together (yielding, so oversubscription cannot stall them)
// and increment a fixed number of times; a live-read strategy also has a
// reader running beside them.
template <class C>
std::uint64_t count_concurrently(C& counter, int threads, std::uint64_t per_thread,
                                 std::uint64_t& read_violations) {
    std::atomic<int> ready{0};
    std::atomic<bool> done{false};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            auto w = counter.writer(t);
            ready.fetch_add(1);
            while (ready.load() < threads) std::this_thread::yield();
            for (std::uint64_t i = 0; i < per_thread; ++i) w.increment();
            counter.retire(w);
        });
    std::thread reader;
    if constexpr (LiveReadCounter<C>)
        reader = std::thread([&] {
            std::uint64_t last = 0;
            while (!done.load()) {
                const std::uint64_t v = counter.read();
                read_violations += v < last || v > per_thread * threads;
                last = v;
            }
        });
    for (auto& t : ts) t.join();
    done.store(true);
    if (reader.joinable()) reader.join();
    return counter.total();
}

TYPED_TEST(CounterTest, CountsExactlyUnderContention) {
    // More threads than this machine's CPUs, and slots spanning several lines.
    constexpr int kThreads = 12;
    constexpr std::uint64_t kPerThread = 40'000;
    TypeParam counter(kThreads);
    std::uint64_t violations = 0;
    EXPECT_EQ(count_concurrently(counter, kThreads, kPerThread, violations), kThreads * kPerThread);
    EXPECT_EQ(violations, 0u);
}

TYPED_TEST(CounterTest, ReusedThreadStartsFromZero) {
    // The same thread counts for two counters in turn: nothing may carry over
    // (matters for thread_local state, which outlives a counter).
    TypeParam first(1), second(1);
    auto w1 = first.writer(0);
    for (int i = 0; i < 5; ++i) w1.increment();
    first.retire(w1);
    auto w2 = second.writer(0);
    for (int i = 0; i < 7; ++i) w2.increment();
    second.retire(w2);
    EXPECT_EQ(first.total(), 5u);
    EXPECT_EQ(second.total(), 7u);
}

template <class C>
class LiveReadTest : public ::testing::Test {};
using LiveCounters =
    ::testing::Types<SharedAtomicCounter, PackedSlotCounter, PaddedSlotCounter, ShardedCounter>;
TYPED_TEST_SUITE(LiveReadTest, LiveCounters);

TYPED_TEST(LiveReadTest, ReaderSeesItsOwnIncrements) {
    static_assert(LiveReadCounter<TypeParam>);
    TypeParam counter(3);
    auto w = counter.writer(1);
    for (std::uint64_t i = 1; i <= 1000; ++i) {
        w.increment();
        ASSERT_GE(counter.read(), i);
    }
    counter.retire(w);
}

TEST(CounterLayout, PackedSlotsShareLinesPaddedSlotsDoNot) {
    EXPECT_EQ(sizeof(PackedSlotCounter::Slot), 8u);
    EXPECT_EQ(sizeof(PaddedSlotCounter::Slot), kPaddedSlotBytes);
    EXPECT_EQ(PackedSlotCounter(16).footprint_bytes(), 16 * 8u);
    EXPECT_EQ(PaddedSlotCounter(16).footprint_bytes(), 16 * kPaddedSlotBytes);
    ShardedCounter sharded(1);
    EXPECT_GE(sharded.shards(), std::thread::hardware_concurrency());
    EXPECT_EQ(sharded.shards() & (sharded.shards() - 1), 0u) << "a power of two";
}

// The scenario's own run, short windows, read-heavy where a live total exists.
TYPED_TEST(CounterTest, ScenarioRunValidates) {
    const cycle_clock::Calibration clock;
    PrimitiveInfo info{.name = "under_test"};
    CaseConfig c = test::short_case("threads.tls", &info, 3, clock, 10'000'000);
    test::set_integers(
        c.params, {{"threads", 3}, {"read_pct", TypeParam::kLiveRead ? 20 : 0}, {"think_ns", 0}});
    const Sample s = run_tls<TypeParam>(c);
    EXPECT_TRUE(s.valid) << s.detail;
    EXPECT_EQ(s.checks.at("final_total"), s.checks.at("expected_total"));
    EXPECT_GT(s.checks.at("expected_total").template get<std::uint64_t>(), s.total_ops() / 2)
        << "warm-up increments count too, so the total is at least the window's increments";
    ASSERT_EQ(s.threads.size(), 3u);
    EXPECT_GT(s.total_ops(), 0u);
}

}  // namespace
}  // namespace contend::tls
