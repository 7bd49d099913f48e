// The account tables of problems.granularity (granularity_tables.hpp) keep
// the bank's invariant: money is neither created nor destroyed and no balance
// goes negative, whatever the lock granularity.
//
// - Edge cases, one thread: from == to, two accounts under one stripe, an
//   overdraft (declined, nothing moves).
// - Stress, every table: 4 threads hammer a small table (many collisions)
//   with random transfers plus deliberate same-lock pairs and self-transfers,
//   while an auditor sums the table under all its locks over and over: under
//   locks every audit must see the exact total (and taking all locks while
//   transfers take two must not deadlock); at the end the total is exact.
// - The check itself notices a lost or negative balance.
// - The registered cases run a short window each, come back valid, and
//   report bytes on locks in the order granularity implies.
// Spin locks use the yield relax: 4 threads on 2 busy CPUs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <thread>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"
#include "harness/relax.hpp"
#include "suites/locks/primitives/std_mutex.hpp"
#include "suites/locks/primitives/ttas.hpp"
#include "suites/problems/granularity_tables.hpp"
#include "suites/problems/register_problems.hpp"
#include "tests/scenario_test_support.hpp"

namespace contend {
namespace {

using namespace problems;
using Spin = TtasLock<relax::Yield>;
template <class Lock>
using Packed = AccountLockTable<Lock, PackedAccount>;
template <class Lock>
using Padded = AccountLockTable<Lock, PaddedAccount>;

constexpr std::size_t kAccounts = 64;
constexpr std::size_t kStripes = 8;
const TableShape kShape{kAccounts, kStripes};

template <class Table>
class GranularityTables : public ::testing::Test {};
using AllTables =
    ::testing::Types<GlobalLockTable<StdMutexLock>, GlobalLockTable<Spin>,
                     StripedTable<StdMutexLock>, StripedTable<Spin>, Packed<StdMutexLock>,
                     Packed<Spin>, Padded<StdMutexLock>, Padded<Spin>, AtomicTable>;
TYPED_TEST_SUITE(GranularityTables, AllTables);

int no_work() {
    return 0;
}

TYPED_TEST(GranularityTables, SelfTransferChangesNothing) {
    TypeParam t(kShape);
    EXPECT_TRUE(t.transfer(3, 3, 400, no_work).moved);
    EXPECT_EQ(t.balance(3), kInitialBalance);
    EXPECT_TRUE(check_conservation(t).ok());
}

TYPED_TEST(GranularityTables, SameStripeTransferMovesOnce) {
    TypeParam t(kShape);
    const std::size_t from = 5, to = 5 + 2 * kStripes;  // same stripe of StripedTable
    EXPECT_TRUE(t.transfer(from, to, 300, no_work).moved);
    EXPECT_EQ(t.balance(from), kInitialBalance - 300);
    EXPECT_EQ(t.balance(to), kInitialBalance + 300);
    EXPECT_TRUE(check_conservation(t).ok());
}

TYPED_TEST(GranularityTables, OverdraftIsDeclined) {
    TypeParam t(kShape);
    int work_done = 0;
    EXPECT_FALSE(t.transfer(1, 2, kInitialBalance + 1, [&] { ++work_done; }).moved);
    EXPECT_EQ(work_done, 1);  // the transfer's work ran, whatever its outcome
    EXPECT_EQ(t.balance(1), kInitialBalance);
    EXPECT_EQ(t.balance(2), kInitialBalance);
    EXPECT_TRUE(t.transfer(1, 2, kInitialBalance, no_work).moved);  // exactly all of it
    EXPECT_EQ(t.balance(1), 0);
}

TYPED_TEST(GranularityTables, StressKeepsTheTotal) {
    constexpr int kThreads = 4;
    constexpr int kTransfers = 20000;
    TypeParam t(kShape);
    const std::int64_t total = kInitialBalance * static_cast<std::int64_t>(kAccounts);
    std::atomic<int> running{kThreads};
    std::atomic<long> audits{0}, audits_off{0};
    std::thread auditor([&] {
        // At least a few audits even if the workers finish first.
        while (running.load() > 0 || audits.load() < 3) {
            const std::int64_t sum = t.audit();
            audits.fetch_add(1);
            if (sum != total) audits_off.fetch_add(1);
            std::this_thread::yield();
        }
    });
    std::vector<std::thread> workers;
    for (int w = 0; w < kThreads; ++w)
        workers.emplace_back([&, w] {
            std::uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(w + 1);
            auto next = [&] {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                return x;
            };
            for (int i = 0; i < kTransfers; ++i) {
                const std::size_t from = next() % kAccounts;
                std::size_t to = next() % kAccounts;
                if (i % 7 == 0) to = from;                                         // self
                if (i % 7 == 1) to = (from + kStripes * (1 + i % 3)) % kAccounts;  // same stripe
                const auto amount = static_cast<std::int64_t>(1 + next() % 300);
                t.transfer(from, to, amount, [&] {
                    if (i % 64 == 0) std::this_thread::yield();  // widen the window
                });
            }
            running.fetch_sub(1);
        });
    for (auto& th : workers) th.join();
    auditor.join();
    const Conservation end = check_conservation(t);
    EXPECT_EQ(end.total, end.expected);
    EXPECT_EQ(end.negative, 0u);
    EXPECT_GE(audits.load(), 3);
    if (TypeParam::kConsistentAudit) {
        EXPECT_EQ(audits_off.load(), 0) << "an audit under every lock saw a wrong total";
    }
    EXPECT_EQ(t.audit(), total);  // at rest every table balances
}

// A stand-in table whose balances the test sets directly.
struct RawBalances {
    std::vector<std::int64_t> b = std::vector<std::int64_t>(kAccounts, kInitialBalance);
    std::size_t size() const { return b.size(); }
    std::int64_t balance(std::size_t i) const { return b[i]; }
};

TEST(GranularityConservation, NoticesLostAndNegativeMoney) {
    RawBalances t;
    EXPECT_TRUE(check_conservation(t).ok());
    t.b[3] -= 50;  // a debit whose credit was lost
    EXPECT_FALSE(check_conservation(t).ok());
    t.b[4] += 50;  // the credit; balanced again
    EXPECT_TRUE(check_conservation(t).ok());
    t.b[5] -= kInitialBalance + 1;  // an overdraft the table should have refused...
    t.b[6] += kInitialBalance + 1;  // ...with the total intact
    const Conservation c = check_conservation(t);
    EXPECT_EQ(c.total, c.expected);
    EXPECT_EQ(c.negative, 1u);
    EXPECT_FALSE(c.ok());
}

TEST(GranularityStripes, AccountsMapModuloStripes) {
    StripedTable<StdMutexLock> s(kShape);
    EXPECT_EQ(s.stripe_of(3), s.stripe_of(3 + kStripes));
    EXPECT_NE(s.stripe_of(3), s.stripe_of(4));
    EXPECT_TRUE(s.same_lock(3, 3 + 2 * kStripes));
    EXPECT_FALSE(s.same_lock(3, 4));
}

TEST(GranularityFootprint, MoreLocksMoreBytes) {
    const auto global = GlobalLockTable<StdMutexLock>(kShape).footprint();
    const auto striped = StripedTable<StdMutexLock>(kShape).footprint();
    const auto packed = Packed<StdMutexLock>(kShape).footprint();
    const auto padded = Padded<StdMutexLock>(kShape).footprint();
    const auto atomic = AtomicTable(kShape).footprint();
    EXPECT_EQ(global.locks, 1u);
    EXPECT_EQ(striped.locks, kStripes);
    EXPECT_EQ(packed.locks, kAccounts);
    EXPECT_EQ(atomic.locks, 0u);
    EXPECT_EQ(atomic.lock_bytes, 0u);
    EXPECT_LT(global.lock_bytes, striped.lock_bytes);
    EXPECT_LT(striped.lock_bytes, packed.lock_bytes);
    EXPECT_LT(packed.lock_bytes, padded.lock_bytes);  // padding is spent on the locks
    EXPECT_EQ(packed.lock_object_bytes, kAccounts * sizeof(StdMutexLock));
    EXPECT_EQ(padded.table_bytes, kAccounts * 64);
}

// The registered cases, through the registry, on a short window.
struct CaseParam {
    const char* primitive;
    const char* lock;
};

void PrintTo(const CaseParam& p, std::ostream* os) {
    *os << p.primitive << "/" << p.lock;
}

class GranularityScenario : public ::testing::TestWithParam<CaseParam> {};

TEST_P(GranularityScenario, ShortRunIsValid) {
    Registry r;
    r.add_suite("problems", "test");
    register_granularity_scenario(r);
    const ScenarioInfo* sc = r.scenario("problems.granularity");
    ASSERT_NE(sc, nullptr);
    const auto clock = cycle_clock::calibrate(std::chrono::milliseconds(5));
    CaseConfig c =
        test::short_case(sc->name, r.primitive(GetParam().primitive), 3, clock, 20'000'000);
    ASSERT_NE(c.primitive, nullptr);
    test::set_integers(c.params, {{"threads", 3},
                                  {"accounts", 32},
                                  {"stripes", 4},
                                  {"cs_ns", 50},
                                  {"think_ns", 50},
                                  {"audit_us", 200}});
    c.params.set("lock", std::string(GetParam().lock));
    const Sample s = sc->runners.at(c.primitive->name)(c);
    EXPECT_TRUE(s.valid) << s.detail;
    EXPECT_GT(s.total_ops(), 0u);
    EXPECT_EQ(s.checks.at("total_final"), s.checks.at("total_expected"));
    EXPECT_EQ(s.checks.at("negative_balances"), 0);
    EXPECT_GT(s.checks.at("audits").get<long>(), 0);
    EXPECT_TRUE(s.metrics.contains("lock_bytes"));
}

INSTANTIATE_TEST_SUITE_P(
    Primitives, GranularityScenario,
    ::testing::Values(CaseParam{"global_lock", "std_mutex"}, CaseParam{"global_lock", "ttas"},
                      CaseParam{"striped_locks", "std_mutex"}, CaseParam{"striped_locks", "ttas"},
                      CaseParam{"account_locks", "std_mutex"},
                      CaseParam{"account_locks_padded", "ttas"},
                      CaseParam{"atomic_accounts", "std_mutex"}),
    [](const auto& info) { return std::string(info.param.primitive) + "_" + info.param.lock; });

}  // namespace
}  // namespace contend
