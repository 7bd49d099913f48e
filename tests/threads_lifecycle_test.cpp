// threads.lifecycle: every method, run through its registered case runner on
// short windows (oversubscribed on purpose: 4 creators on a small machine),
// must run every item exactly once on the item it was given, join or see
// finished every thread, leave no thread behind, and report a memory
// footprint that is consistent with the stack it reserved. The parameter
// cross-checks (stack size per method, PTHREAD_STACK_MIN) are tested through
// the scenario's `unsupported`. Nothing here asserts a speed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"
#include "suites/threads/lifecycle_footprint.hpp"
#include "suites/threads/lifecycle_methods.hpp"
#include "suites/threads/register_threads.hpp"
#include "tests/scenario_test_support.hpp"

namespace contend {
namespace {

constexpr const char* kScenario = "threads.lifecycle";

// A small explicit stack that every system accepts: 64 KiB, or the system's
// minimum where that is larger (AArch64 glibc: PTHREAD_STACK_MIN = 128 KiB).
std::int64_t small_stack_kib() {
    const long min_kib = (sysconf(_SC_THREAD_STACK_MIN) + 1023) / 1024;
    return std::max<std::int64_t>(64, min_kib);
}

class Lifecycle : public ::testing::TestWithParam<std::string> {
  protected:
    static void SetUpTestSuite() {
        registry_ = new Registry;
        registry_->add_suite("threads", "test");
        register_lifecycle_scenario(*registry_);
        clock_ = new cycle_clock::Calibration(cycle_clock::calibrate(std::chrono::milliseconds(5)));
    }
    static void TearDownTestSuite() {
        delete registry_;
        delete clock_;
    }

    static const ScenarioInfo& scenario() { return *registry_->scenario(kScenario); }

    // 60 ms windows (30 ms latency phase): under qemu-user beside other
    // tests, starting and joining 4 threads took the whole of a 10 ms phase.
    static Sample run(const std::string& primitive, int creators, std::int64_t stack_kib,
                      int parked) {
        CaseConfig c = test::short_case(kScenario, registry_->primitive(primitive), creators,
                                        *clock_, 60'000'000);
        test::set_integers(c.params,
                           {{"threads", creators}, {"stack_kib", stack_kib}, {"parked", parked}});
        return scenario().runners.at(primitive)(c);
    }

    static inline Registry* registry_ = nullptr;
    static inline cycle_clock::Calibration* clock_ = nullptr;
};

TEST_P(Lifecycle, EveryItemRunsOnceAndNoThreadOutlivesTheRepetition) {
    const std::string prim = GetParam();
    const int before = lifecycle::baseline_thread_count();
    const std::int64_t stack_kib = prim == "pthread" ? small_stack_kib() : 0;
    const Sample s = run(prim, 4, stack_kib, 16);
    EXPECT_TRUE(s.valid) << s.detail;
    const auto& k = s.checks;
    const auto launched = k.at("launched").get<std::uint64_t>();
    EXPECT_GT(launched, 0u);  // at least the first item of each creator ran
    EXPECT_EQ(k.at("ran").get<std::uint64_t>(), launched);
    EXPECT_EQ(k.at("finished").get<std::uint64_t>(), launched);
    EXPECT_EQ(k.at("wrong_item").get<std::uint64_t>(), 0u);
    EXPECT_EQ(k.at("spawn_failures").get<std::uint64_t>(), 0u);
    EXPECT_EQ(k.at("threads_after"), k.at("threads_before"));
    EXPECT_EQ(lifecycle::process_thread_count(), before);

    ASSERT_EQ(s.threads.size(), 4u);
    std::uint64_t measured = 0;
    for (const auto& t : s.threads) measured += t.ops;
    ASSERT_EQ(s.latencies.size(), 3u);
    EXPECT_EQ(s.latencies[0].first, "round_trip");
    // The window's items are untimed; the latency phase timed every one of
    // its items (sample_every 1), each with all three figures.
    EXPECT_GT(s.latencies[0].second.count(), 0u);
    EXPECT_LE(measured + s.latencies[0].second.count(), launched);
    EXPECT_EQ(s.latencies[1].second.count(), s.latencies[0].second.count());
    // Starting a thread cannot take longer than starting it and joining it.
    EXPECT_LE(s.latencies[1].second.min(), s.latencies[0].second.max());
}

TEST_P(Lifecycle, MemoryProbeSeesTheReservedStackAndTouchedPages) {
    const std::string prim = GetParam();
    const std::int64_t stack_kib = prim == "pthread" ? 256 : 0;
    const Sample s = run(prim, 1, stack_kib, 32);
    ASSERT_TRUE(s.valid) << s.detail;
    const auto& m = s.metrics;
    if (prim == "pool_handoff") {  // a hand-off creates no thread to weigh
        EXPECT_TRUE(m.at("rss_kib_per_thread").is_null());
        EXPECT_TRUE(m.at("stack_kib_reserved").is_null());
        return;
    }
    EXPECT_EQ(m.at("parked_threads").get<int>(), 32);
    EXPECT_EQ(s.checks.at("parked_started").get<int>(), 32);
    EXPECT_EQ(s.checks.at("parked_exited").get<int>(), 32);
    const double stack = m.at("stack_kib_reserved").get<double>();
    if (prim == "pthread") {
        EXPECT_EQ(stack, 256.0);
    } else {
        EXPECT_EQ(stack, static_cast<double>(lifecycle::default_stack_bytes()) / 1024);
    }
    // The stack cache was emptied, so every parked thread mapped a fresh
    // stack (VSZ: at least the stack) and touched at least its top page.
    const double vsz = m.at("vsz_kib_per_thread").get<double>();
    const double rss = m.at("rss_kib_per_thread").get<double>();
    const double page_kib = static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024;
    EXPECT_GE(vsz, stack);
    EXPECT_GE(rss, page_kib);
    // A thread touches only part of what it maps, unless a sanitizer's
    // shadow memory (reserved at start-up, so in no thread's VSZ, but
    // resident once a thread's stack is touched) adds to its RSS.
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
    EXPECT_LT(rss, vsz);
#endif
}

INSTANTIATE_TEST_SUITE_P(Methods, Lifecycle,
                         ::testing::Values("std_thread", "std_jthread", "pthread",
                                           "detached_thread", "pool_handoff"));

TEST(LifecycleParams, StackSizeOnlyForPthreadAndNotBelowTheMinimum) {
    Registry r;
    r.add_suite("threads", "test");
    register_lifecycle_scenario(r);
    const ScenarioInfo& s = *r.scenario(kScenario);
    auto point = [](std::int64_t kib) {
        ParamPoint p;
        p.set("threads", std::int64_t{1});
        p.set("stack_kib", kib);
        p.set("parked", std::int64_t{64});
        return p;
    };
    for (const auto& name : s.primitives) {
        EXPECT_EQ(s.unsupported(*r.primitive(name), point(0)), "") << name;
        const std::string why = s.unsupported(*r.primitive(name), point(small_stack_kib()));
        if (name == "pthread")
            EXPECT_EQ(why, "");
        else
            EXPECT_NE(why.find("pthread only"), std::string::npos) << name << ": " << why;
    }
    const long min_kib = sysconf(_SC_THREAD_STACK_MIN) / 1024;
    if (min_kib > 1) {
        const std::string why = s.unsupported(*r.primitive("pthread"), point(min_kib - 1));
        EXPECT_NE(why.find("PTHREAD_STACK_MIN"), std::string::npos) << why;
    }
}

// The probe's premise: without emptying glibc's stack cache, threads reuse
// stacks that are already mapped and resident, and the growth reads zero.
// Emptied before each probe, the second probe maps fresh stacks again.
TEST(LifecycleFootprint, EmptyingTheStackCacheMakesStacksFreshAgain) {
    const std::int64_t stack_kib = small_stack_kib();
    lifecycle::MethodOptions o{static_cast<std::size_t>(stack_kib) * 1024};
    auto probe = [&] {
        lifecycle::Pthread method(o);
        lifecycle::ParkedGroup g;
        return lifecycle::measure_footprint(method, g, 16, o.stack_bytes);
    };
    const auto first = probe();
    const auto second = probe();
    ASSERT_TRUE(first.error.empty()) << first.error;
    ASSERT_TRUE(second.error.empty()) << second.error;
    const double page_kib = static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024;
    EXPECT_GE(*second.vsz_kib_per_thread, static_cast<double>(stack_kib));
    EXPECT_GE(*second.rss_kib_per_thread, page_kib);
}

}  // namespace
}  // namespace contend
