// problems.deadlock: the wait-for detector on hand-made tables (the cycle it
// finds and the words it uses), then the real thing: naive philosophers on
// std::mutex forks must be reported deadlocked with the classic circular
// wait, every other strategy must finish with fork exclusion intact, and a
// table stuck without a cycle must be reported stalled, not deadlocked.
// The scenario's delays are the harness's: calibrated on the philosophers,
// timed on the meals the dinner times, the pick-up gap every time.
//
// The live tests bound nothing but liveness: a deadlock must be seen within
// a window of seconds (with a 200 us pick-up gap it comes within a few
// meals), and a strategy must complete its window. Stuck threads stay
// blocked, detached, on deliberately leaked tables until the test binary
// exits, as they do in the harness.
#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"
#include "suites/problems/philosophers_dinner.hpp"
#include "suites/problems/register_problems.hpp"
#include "tests/scenario_test_support.hpp"

namespace contend::deadlock {
namespace {

// A table of `n` seats where philosopher p holds `holds[p]` (-1: nothing)
// and is blocked on fork `waits[p]` (-1: not blocked).
TableView table(int n, const std::vector<int>& holds, const std::vector<int>& waits) {
    TableView t;
    t.fork_holder.assign(n, kNobody);
    t.philosophers.resize(n);
    for (int p = 0; p < n; ++p) {
        if (holds[p] >= 0) t.fork_holder[holds[p]] = p;
        if (waits[p] >= 0) t.philosophers[p] = {Blocked::Fork, waits[p], 0};
    }
    return t;
}

TEST(WaitForGraph, ClassicCircularWaitIsOneCycleOfEverySeat) {
    const TableView t = table(3, {0, 1, 2}, {1, 2, 0});
    const auto cycle = find_wait_cycle(t);
    EXPECT_EQ(cycle, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(describe_deadlock(t, cycle),
              "deadlock: 3 philosophers each hold their left fork and wait for their right "
              "(P0 holds F0, waits F1; P1 holds F1, waits F2; P2 holds F2, waits F0)");
}

TEST(WaitForGraph, PartialCycleIsFoundAndTheTailLeftOut) {
    // P0 waits on P1 (a tail into the cycle); P1 -> P2 -> P3 -> P1 is the
    // cycle (P3 waits for F1, which P1 holds); P4, P5 are not blocked.
    const TableView t = table(6, {0, 1, 2, 3, -1, -1}, {1, 2, 3, 1, -1, -1});
    const auto cycle = find_wait_cycle(t);
    EXPECT_EQ(cycle, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(describe_deadlock(t, cycle),
              "deadlock: wait-for cycle of 3 philosophers P1 -> P2 -> P3 -> P1 "
              "(P1 holds F1, waits F2 held by P2; P2 holds F2, waits F3 held by P3; "
              "P3 holds F3, waits F1 held by P1)");
}

TEST(WaitForGraph, CycleIsReportedFromItsLowestSeatWhateverTheStart) {
    // Walk starts at P0, which only leads into the cycle P2 -> P3 -> P2.
    const TableView t = table(4, {-1, -1, 2, 3}, {2, -1, 3, 2});
    EXPECT_EQ(find_wait_cycle(t), (std::vector<int>{2, 3}));
}

TEST(WaitForGraph, ChainThatEndsIsNoDeadlock) {
    // P0 waits on P1, P1 on P2, P2 eats (holds F2 and F3): someone can finish.
    TableView t = table(4, {0, 1, 2, -1}, {1, 2, -1, -1});
    t.fork_holder[3] = 2;
    EXPECT_TRUE(find_wait_cycle(t).empty());
    EXPECT_EQ(describe_stall(t, 100),
              "stalled: no meal for 100 ms and no wait-for cycle "
              "(P0 holds F0, waits F1 held by P1; P1 holds F1, waits F2 held by P2)");
}

TEST(WaitForGraph, WaitingForAFreeForkIsNoEdge) {
    const TableView t = table(2, {0, -1}, {1, 0});  // P1 waits for F0 (P0's); P0 waits free F1
    EXPECT_EQ(t.waits_on(0), kNobody);
    EXPECT_EQ(t.waits_on(1), 0);
    EXPECT_TRUE(find_wait_cycle(t).empty());
}

TEST(WaitForGraph, WaitingOnAForkYouHoldIsACycleOfOne) {
    const TableView t = table(2, {0, -1}, {0, -1});
    EXPECT_EQ(find_wait_cycle(t), (std::vector<int>{0}));
    EXPECT_EQ(describe_deadlock(t, {0}),
              "deadlock: wait-for cycle of 1 philosopher P0 -> P0 (P0 holds F0, waits F0 held "
              "by P0)");
}

TEST(WaitForGraph, ArbiterAndPairWaitsAreNoEdges) {
    TableView t = table(3, {0, -1, -1}, {-1, -1, -1});
    t.philosophers[1].blocked = Blocked::Waiter;
    t.philosophers[2].blocked = Blocked::Forks;
    EXPECT_TRUE(find_wait_cycle(t).empty());
    EXPECT_EQ(describe_stall(t, 250),
              "stalled: no meal for 250 ms and no wait-for cycle "
              "(P1 holds nothing, waits for the waiter; P2 holds nothing, waits F2+F0)");
}

TEST(WaitForGraph, LongTablesStayOneShortLine) {
    const int n = 64;
    std::vector<int> holds(n), waits(n);
    for (int p = 0; p < n; ++p) holds[p] = p, waits[p] = (p + 1) % n;
    const TableView t = table(n, holds, waits);
    const std::string line = describe_deadlock(t, find_wait_cycle(t));
    EXPECT_NE(line.find("64 philosophers each hold their left fork"), std::string::npos);
    EXPECT_NE(line.find("; +56 more)"), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(WaitForGraph, JsonNamesHoldersWaitsAndTheCycle) {
    const TableView t = table(3, {0, 1, 2}, {1, 2, 0});
    const auto j = table_json(t, find_wait_cycle(t));
    EXPECT_EQ(j["cycle"], nlohmann::json({0, 1, 2}));
    ASSERT_EQ(j["philosophers"].size(), 3u);
    EXPECT_EQ(j["philosophers"][2]["holds"], nlohmann::json({2}));
    EXPECT_EQ(j["philosophers"][2]["waits_for"], nlohmann::json({0}));
    EXPECT_EQ(j["philosophers"][2]["blocked_by"], 0);
    EXPECT_EQ(j["forks"][1]["held_by"], 1);
}

DinnerConfig config(int seats, std::int64_t gap_ns, std::int64_t duration_ns) {
    DinnerConfig c;
    c.seats = seats;
    c.gap_ns = gap_ns;
    c.stall_ns = 50'000'000;
    c.eat_ns = 1000;
    c.think_ns = 1000;
    c.warmup_ns = 0;
    c.duration_ns = duration_ns;
    return c;
}

TEST(Dinner, NaiveDeadlocksWithEverySeatHoldingItsLeftFork) {
    // Leaked on purpose: its threads stay blocked on its forks.
    auto* d = new Dinner<NaiveStrategy>(config(5, 200'000, 5'000'000'000));
    const DinnerOutcome out = d->run();
    ASSERT_EQ(out.end, DinnerEnd::Deadlock) << "no deadlock within a 5 s window";
    EXPECT_EQ(out.cycle, (std::vector<int>{0, 1, 2, 3, 4}));
    for (int p = 0; p < 5; ++p) {
        EXPECT_EQ(out.view.fork_holder[p], p);
        EXPECT_EQ(out.view.philosophers[p].blocked, Blocked::Fork);
        EXPECT_EQ(out.view.philosophers[p].fork, (p + 1) % 5);
    }
    EXPECT_NE(describe_deadlock(out.view, out.cycle).find("each hold their left fork"),
              std::string::npos);
    EXPECT_GE(out.stalled_ns, 50e6);
}

template <class Strategy>
void expect_completes_with_exclusion() {
    DinnerConfig c = config(5, 20'000, 100'000'000);
    c.stall_ns = 1'000'000'000;  // a busy machine must not pass for a stuck table
    auto d = std::make_unique<Dinner<Strategy>>(c);
    const DinnerOutcome out = d->run();
    ASSERT_EQ(out.end, DinnerEnd::Completed);
    std::uint64_t meals = 0, uses = 0;
    for (int p = 0; p < 5; ++p) {
        meals += d->table.seat(p).meals.load();
        uses += d->table.fork(p).uses.load();
        EXPECT_EQ(d->table.seat(p).violations.load(), 0u) << "P" << p;
        EXPECT_EQ(d->table.fork(p).holder.load(), kNobody) << "F" << p << " left held";
    }
    EXPECT_GT(meals, 0u);
    EXPECT_EQ(uses, 2 * meals);
}

TEST(Dinner, OrderedCompletes) {
    expect_completes_with_exclusion<OrderedStrategy>();
}
TEST(Dinner, ScopedLockCompletes) {
    expect_completes_with_exclusion<ScopedLockStrategy>();
}
TEST(Dinner, TrylockBackoffCompletes) {
    expect_completes_with_exclusion<TrylockBackoffStrategy>();
}
TEST(Dinner, WaiterCompletes) {
    expect_completes_with_exclusion<WaiterStrategy>();
}

// Two seats. P0 takes its left fork and then blocks on a mutex nobody will
// ever release; P1 (ordered: F0 first) blocks on that fork. Nobody eats,
// but the wait-for graph ends at P0, which waits on no fork.
std::mutex g_never_released;

struct StuckAtSeatZero {
    explicit StuckAtSeatZero(int) {}
    template <class Meal>
    void dine(Table& t, int me, Meal& meal) {
        if (me == 0) {
            t.take(me, t.left(me));
            g_never_released.lock();
        }
        OrderedStrategy(0).dine(t, me, meal);
    }
};

TEST(Dinner, StuckWithoutACycleIsStalledNotDeadlocked) {
    g_never_released.lock();
    auto* d = new Dinner<StuckAtSeatZero>(config(2, 0, 20'000'000));  // leaked: P0 never returns
    const DinnerOutcome out = d->run();
    ASSERT_EQ(out.end, DinnerEnd::Stalled);
    EXPECT_TRUE(out.cycle.empty());
    EXPECT_EQ(out.view.fork_holder[0], 0);
    EXPECT_EQ(out.view.philosophers[0].blocked, Blocked::Nothing);
    EXPECT_EQ(describe_stall(out.view, out.stalled_ns / 1e6).rfind("stalled: no meal for ", 0), 0u);
}

// Through the registry, as the harness runs a case: the delays come back in
// the harness's shape, from the philosophers' own calibration and samples.
TEST(DinnerDelays, HarnessShapeSampledOnThePhilosophers) {
    Registry r;
    register_problems(r);
    const ScenarioInfo* sc = r.scenario("problems.deadlock");
    ASSERT_NE(sc, nullptr);
    const cycle_clock::Calibration clock{};
    CaseConfig c = test::short_case(sc->name, r.primitive("ordered"), 3, clock, 60'000'000);
    test::set_integers(c.params, {{"seats", 3},
                                  {"pickup_gap_ns", 10'000},
                                  {"eat_ns", 2'000},
                                  {"think_ns", 4'000},
                                  {"stall_ns", 1'000'000'000}});
    const Sample s = sc->runners.at("ordered")(c);
    ASSERT_TRUE(s.valid) << s.detail;
    ASSERT_EQ(s.delays.size(), 3u) << s.delays.dump();
    test::expect_complete_delay_records(s.delays);
    EXPECT_EQ(s.delays["eat_ns"]["requested"], 2000.0);
    EXPECT_EQ(s.delays["think_ns"]["requested"], 4000.0);
    EXPECT_EQ(s.delays["pickup_gap_ns"]["requested"], 10000.0);
    EXPECT_GT(s.delays["eat_ns"]["iterations_per_ns"].get<double>(), 0.0);
    EXPECT_TRUE(s.delays["pickup_gap_ns"]["iterations_per_ns"].is_null()) << "a sleep, not a loop";
    // The delays are timed on the meals the dinner times: here (sample_every
    // 1) every meal of the window, each of which eats once and thinks once.
    const auto meals_in_window = s.total_ops();
    EXPECT_EQ(s.delays["eat_ns"]["samples"].get<std::uint64_t>(), meals_in_window);
    EXPECT_LE(s.delays["think_ns"]["samples"].get<std::uint64_t>(), meals_in_window);
    EXPECT_GT(s.delays["think_ns"]["samples"].get<std::uint64_t>(), 0u);
    const auto meals = s.checks.at("meals").get<std::uint64_t>();
    // Every gap is timed: one per meal under `ordered`.
    EXPECT_GE(s.delays["pickup_gap_ns"]["samples"].get<std::uint64_t>(), meals);
}

TEST(Registration, FiveStrategiesAndOneThreadPerSeat) {
    Registry r;
    register_problems(r);
    const ScenarioInfo* s = r.scenario("problems.deadlock");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->primitives, (std::vector<std::string>{"naive", "ordered", "scoped_lock",
                                                       "trylock_backoff", "waiter"}));
    EXPECT_EQ(s->param("threads"), nullptr) << "the preset's thread list must not apply";
    ParamPoint p;
    p.set("seats", std::int64_t{7});
    EXPECT_EQ(s->thread_count(p), 7);
    for (const auto& name : s->primitives) EXPECT_EQ(r.primitive(name)->family, "dining");
}

}  // namespace
}  // namespace contend::deadlock
