// problems.starvation: the scenario's validation catches a reader-writer
// lock that lets readers in beside a writer (broken_rw) and passes the real
// ones; its accounting is consistent (roles, per-role totals, the writer
// wait listed first); its delays are the harness's (each role's pair
// calibrated on its workers, timed as they ran); fairness within a
// role is the harness's (<role>_jain_index), null with its reason where the
// role's share is too small; a writer that waited through the whole window
// is still let in at the stop and counted as censored, so the run ends; and
// the scenario registers exactly the rw locks (plus glibc's
// writer-preferring kind, plus rw-capable controls).
//
// No assertion on speed: whether a writer starves depends on the machine.
// The windows are short and every wait is bounded by the window, because the
// readers leave at the stop flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "harness/cycle_clock.hpp"
#include "harness/sample.hpp"
#include "suites/locks/lock_catalog.hpp"
#include "suites/problems/register_problems.hpp"
#include "suites/problems/starvation_pthread_rwlock_wpref.hpp"
#include "suites/problems/starvation_run.hpp"
#include "tests/scenario_test_support.hpp"

namespace contend {
namespace {

const cycle_clock::Calibration kClock{};
const PrimitiveInfo kInfo{.name = "under_test", .family = "rwlock"};

CaseConfig config(int readers, int writers, std::int64_t read_think_ns = 500) {
    CaseConfig c =
        test::short_case("problems.starvation", &kInfo, readers + writers, kClock, 30'000'000);
    test::set_integers(c.params, {{"readers", readers},
                                  {"writers", writers},
                                  {"read_cs_ns", 3000},
                                  {"read_think_ns", read_think_ns},
                                  {"write_cs_ns", 500},
                                  {"write_think_ns", 5000}});
    c.params.set("relax", std::string("yield"));
    return c;
}

std::uint64_t role_total(const Sample& s, const std::string& role) {
    std::uint64_t n = 0;
    for (const auto& t : s.threads)
        if (t.role == role) n += t.ops;
    return n;
}

TEST(Starvation, BrokenRwLockIsInvalid) {
    // broken_rw's readers ignore writers: with readers always inside, a
    // writer's section overlaps one within a few writes.
    const Sample s = starvation::run_starvation<BrokenRwLock<relax::Yield>>(config(3, 1, 0));
    EXPECT_FALSE(s.valid);
    EXPECT_EQ(s.detail.rfind("reader-writer exclusion broken: ", 0), 0u) << s.detail;
    EXPECT_GT(s.checks["rw_exclusion_violations"].get<std::uint64_t>(), 0u);
}

template <class Lock>
void expect_valid_and_consistent() {
    const Sample s = starvation::run_starvation<Lock>(config(3, 2));
    EXPECT_TRUE(s.valid) << s.detail;
    EXPECT_EQ(s.checks["write_counter"], s.checks["expected_write_counter"]);
    ASSERT_EQ(s.threads.size(), 5u);
    for (int t = 0; t < 5; ++t) EXPECT_EQ(s.threads[t].role, t < 3 ? "reader" : "writer");
    EXPECT_EQ(s.metrics["read_ops"].get<std::uint64_t>(), role_total(s, "reader"));
    EXPECT_EQ(s.metrics["write_ops"].get<std::uint64_t>(), role_total(s, "writer"));
    int starved_writers = 0;
    for (const auto& t : s.threads) starved_writers += t.role == "writer" && t.ops == 0;
    EXPECT_EQ(s.metrics["starved_writers"].get<int>(), starved_writers);
    ASSERT_EQ(s.latencies.size(), 2u);
    EXPECT_EQ(s.latencies[0].first, "write_wait");
    EXPECT_EQ(s.latencies[1].first, "read_wait");
    // Every counted write has its wait recorded (plus waits still going on
    // at the stop, which count no operation).
    EXPECT_GE(s.latencies[0].second.count(), s.metrics["write_ops"].get<std::uint64_t>());
    // Each role's own delays, in the harness's shape.
    ASSERT_EQ(s.delays.size(), 4u) << s.delays.dump();
    const std::pair<const char*, double> requested[] = {{"read_cs_ns", 3000},
                                                        {"read_think_ns", 500},
                                                        {"write_cs_ns", 500},
                                                        {"write_think_ns", 5000}};
    for (const auto& [name, ns] : requested) {
        const nlohmann::json& d = s.delays.at(name);
        EXPECT_EQ(d["requested"], ns) << name;
        EXPECT_GT(d["iterations_per_ns"].get<double>(), 0.0) << name;
        for (const char* key : {"achieved", "samples", "off_by", "flagged"})
            EXPECT_TRUE(d.contains(key)) << name << " lacks " << key;
    }
    // Timed 1 in N operations, N by the harness's budget rule against the
    // counter's cost: the test's clock states none, so every write section.
    EXPECT_EQ(s.delays["write_cs_ns"]["samples"], s.checks["expected_write_counter"]);
    // Fairness within a role is the harness's, not the scenario's.
    EXPECT_FALSE(s.metrics.contains("reader_jain"));
    EXPECT_FALSE(s.metrics.contains("writer_jain"));
    const auto row = sample_to_json(s, kClock, 2);
    for (const char* key : {"reader_jain_index", "writer_jain_index", "reader_fairness_null_reason",
                            "writer_fairness_null_reason"})
        EXPECT_TRUE(row["metrics"].contains(key)) << key;
}

TEST(Starvation, StdSharedMutexIsValid) {
    expect_valid_and_consistent<StdSharedMutexLock>();
}
TEST(Starvation, PthreadRwlockIsValid) {
    expect_valid_and_consistent<PthreadRwlock>();
}
TEST(Starvation, WriterPreferringPthreadRwlockIsValid) {
    expect_valid_and_consistent<PthreadRwlockWriterPref>();
}
TEST(Starvation, RwSpinIsValid) {
    expect_valid_and_consistent<RwSpinLock<relax::Yield>>();
}
TEST(Starvation, TbbSpinRwMutexIsValid) {
    expect_valid_and_consistent<TbbSpinRwMutexLock>();
}

TEST(Starvation, WriterStarvedForTheWholeWindowIsLetInAtTheStop) {
    // Six readers with no think time keep a reader-preferring lock read-held;
    // whatever the writer got, the run ends, and a writer with nothing in
    // the window was still waiting when it closed.
    const Sample s = starvation::run_starvation<PthreadRwlock>(config(6, 1, 0));
    EXPECT_TRUE(s.valid) << s.detail;
    const auto& writer = s.threads.back();
    ASSERT_EQ(writer.role, "writer");
    if (writer.ops == 0) {
        EXPECT_EQ(s.metrics["starved_writers"].get<int>(), 1);
        EXPECT_TRUE(writer.extra["waiting_at_stop"].get<bool>());
        EXPECT_GE(s.metrics["write_waits_censored"].get<std::uint64_t>(), 1u);
    }
    EXPECT_LE(s.metrics["write_waits_censored"].get<std::uint64_t>(), 1u)
        << "one writer can be caught waiting at the stop at most once";
}

// The harness's per-role fairness on a starved writer role: the readers'
// index stands, the writers' is null with its reason (a handful of writes
// tells the scheduler's quantum, not the lock), and the starvation itself
// is left to the scenario's figures.
TEST(RoleFairness, AStarvedRoleIsNullWithItsReason) {
    Sample s;
    s.window_ns = 1e8;
    for (const auto& [role, ops] :
         {std::pair{"reader", 1000}, {"reader", 1000}, {"writer", 5}, {"writer", 5}}) {
        ThreadSample t;
        t.role = role;
        t.ops = static_cast<std::uint64_t>(ops);
        s.threads.push_back(t);
    }
    const auto m = sample_to_json(s, kClock, 2)["metrics"];
    EXPECT_DOUBLE_EQ(m["reader_jain_index"].get<double>(), 1.0);
    EXPECT_TRUE(m["reader_fairness_null_reason"].is_null());
    EXPECT_TRUE(m["writer_jain_index"].is_null());
    EXPECT_NE(m["writer_fairness_null_reason"].get<std::string>().find("fair share 5 < 100"),
              std::string::npos)
        << m["writer_fairness_null_reason"];
    EXPECT_TRUE(m["fairness_null_reason"].is_null()) << "the team as a whole has enough";
}

// A role of one thread has nobody to be fair to: null, and says so.
TEST(RoleFairness, ARoleOfOneThreadIsNull) {
    Sample s;
    s.window_ns = 1e8;
    for (const auto& [role, ops] : {std::pair{"reader", 1000}, {"reader", 900}, {"writer", 500}}) {
        ThreadSample t;
        t.role = role;
        t.ops = static_cast<std::uint64_t>(ops);
        s.threads.push_back(t);
    }
    const auto m = sample_to_json(s, kClock, 2)["metrics"];
    EXPECT_FALSE(m["reader_jain_index"].is_null());
    EXPECT_TRUE(m["writer_jain_index"].is_null());
    EXPECT_NE(m["writer_fairness_null_reason"].get<std::string>().find("one thread"),
              std::string::npos);
}

TEST(Registration, TheRwLocksAndTheWriterPreferringPthreadKind) {
    Registry r;
    register_problems(r);
    const ScenarioInfo* s = r.scenario("problems.starvation");
    ASSERT_NE(s, nullptr);
    std::vector<std::string> regular;
    for (const auto& name : s->primitives) {
        const PrimitiveInfo* p = r.primitive(name);
        if (p->control) continue;
        regular.push_back(name);
        EXPECT_EQ(p->family, "rwlock") << name;
        EXPECT_GT(p->size_bytes, 0u) << name;
    }
    std::sort(regular.begin(), regular.end());
    EXPECT_EQ(regular,
              (std::vector<std::string>{"pthread_rwlock", "pthread_rwlock_wpref", "rw_spin",
                                        "std_shared_mutex", "tbb_spin_rw_mutex"}));
    EXPECT_NE(std::find(s->primitives.begin(), s->primitives.end(), "broken_rw"),
              s->primitives.end());
    ParamPoint p;
    p.set("readers", std::int64_t{3});
    p.set("writers", std::int64_t{2});
    EXPECT_EQ(s->thread_count(p), 5);
}

}  // namespace
}  // namespace contend
