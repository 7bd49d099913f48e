// problems.deadlock — dining philosophers. `seats` threads sit at a round
// table with a std::mutex fork between each pair of neighbours; each one
// thinks (busy work, random 0..2x think_ns), picks up its forks the way the
// strategy says, with a `pickup_gap_ns` sleep between the two pick-ups,
// eats (busy work eat_ns) and puts them back, in a time-based window.
//
// Figures: meals/s (the throughput), Jain fairness across philosophers,
// the wait from hungry to eating (primary latency "fork_wait", which
// includes the pick-up gap), the longest wait, philosophers without a meal,
// trylock_backoff's failed tries per meal. Every philosopher is one role,
// so fairness is the harness's jain_index over them.
//
// Delays are the harness's: each philosopher calibrates eat_ns and think_ns
// on its own CPU and times them on the meals it times (think_ns's achieved
// figure is the mean of the drawn durations); the pick-up gap, a sleep, is
// timed every time.
//
// Validation: every fork's holder word proves exclusion (a philosopher
// eating must find both of its forks marked as its own, and a fork's use
// count, bumped without a read-modify-write, must equal the meals that used
// it), and no philosopher may go without a meal for the whole window (the
// detail names what it was blocked on as the window closed).
//
// Deadlock: `naive` (left, then right) deadlocks once every seat holds its
// left fork. The coordinator sees no meal for `stall_ns`, finds the cycle in
// the wait-for graph and returns a sample with status "deadlock" that says
// who holds which fork and who waits for which (philosophers_dinner.hpp);
// the stuck threads stay blocked, detached, and the run goes on.
//
// Defaults: a 50 us gap against 0..200 us of thinking makes the circular
// wait likely within a few dozen meals on any machine (with more seats
// than CPUs, a philosopher preempted while holding one fork widens the
// window further: on 2 CPUs it often comes in the first round). A gap of 0
// leaves only preemption and chance: naive may then run for a long time
// before it deadlocks, and a window can pass without one.
#include <cmath>
#include <memory>

#include "harness/registry.hpp"
#include "suites/problems/philosophers_dinner.hpp"
#include "suites/problems/register_problems.hpp"

namespace contend {
namespace {

using namespace deadlock;

constexpr const char* kScenario = "problems.deadlock";

const char* phase_name(Phase p) {
    switch (p) {
        case Phase::Warmup:
            return "warmup";
        case Phase::Measure:
            return "window";
        default:
            return "stop";
    }
}

template <class Strategy>
void add_totals(Sample& s, Dinner<Strategy>& d, double ticks_per_ns) {
    std::uint64_t meals = 0, violations = 0, failed = 0, longest = 0;
    for (int p = 0; p < d.cfg.seats; ++p) {
        Seat& seat = d.table.seat(p);
        meals += seat.meals.load();
        violations += seat.violations.load();
        failed += seat.failed_tries.load();
        longest = std::max(longest, seat.longest_wait_ticks.load());
    }
    s.metrics["longest_wait_ns"] = finite_or_null(static_cast<double>(longest) / ticks_per_ns);
    if constexpr (CountsFailedTries<Strategy>)
        s.metrics["failed_tries_per_meal"] =
            finite_or_null(meals ? static_cast<double>(failed) / static_cast<double>(meals) : NAN);
    s.checks["fork_exclusion_violations"] = violations;
    s.checks["meals"] = meals;
}

// Threads joined: everything may be read.
template <class Strategy>
Sample completed_sample(Dinner<Strategy>& d, const DinnerOutcome& out, const CaseConfig& c) {
    Sample s;
    s.window_ns = out.window_ns;
    LatencyHistogram wait;
    std::uint64_t uses = 0, violations = 0, starved = 0;
    std::string starved_names;
    for (int p = 0; p < d.cfg.seats; ++p) {
        const ThreadSlot& w = d.windows[p];
        const Seat& seat = d.table.seat(p);
        ThreadSample t = thread_sample(w.window);
        t.ops = seat.measured.load();
        t.pin_failed = !w.pinned_ok;
        t.extra = {{"longest_wait_ns",
                    finite_or_null(seat.longest_wait_ticks.load() / c.clock->ticks_per_ns)}};
        if (t.ops == 0) {
            ++starved;
            if (starved <= 4)
                starved_names +=
                    detail::cat(starved > 1 ? "; " : "", detail::state_of(out.view, p, true));
        }
        s.threads.push_back(std::move(t));
        wait.merge(d.stats[p].wait);
        uses += d.table.fork(p).uses.load();
        violations += seat.violations.load();
    }
    std::vector<const WindowSpan*> spans;
    for (const auto& w : d.windows) spans.push_back(&w.window);
    s.start_skew_ns = static_cast<double>(start_skew_ticks(spans)) / c.clock->ticks_per_ns;
    s.thread_cpus = c.thread_cpus;
    s.latencies = {{"fork_wait", wait}};
    s.sample_every = d.cfg.sample_every;
    add_totals(s, d, c.clock->ticks_per_ns);
    s.metrics["philosophers_without_a_meal"] = starved;
    const std::uint64_t meals = s.checks["meals"].get<std::uint64_t>();
    std::vector<const ThreadDelays*> delays, gaps;
    for (int p = 0; p < d.cfg.seats; ++p) {
        delays.push_back(&d.windows[p].delays);
        gaps.push_back(&d.stats[p].gap);
    }
    const double tpn = c.clock->ticks_per_ns, overhead_ns = c.clock->overhead_ns_median;
    s.delays = report_delays(d.cfg.delays(), delays, tpn, overhead_ns);
    // Not busy work but a sleep, timed around every one on the thread that
    // slept: what the pick-up gap really was (timer slack and wake-up
    // latency included), in the same terms as the delays above.
    s.delays.update(report_delays({{"pickup_gap_ns", static_cast<double>(d.cfg.gap_ns)}}, gaps, tpn,
                                  overhead_ns));
    s.checks["fork_uses"] = uses;
    s.checks["expected_fork_uses"] = 2 * meals;
    std::string what;
    auto add = [&](const std::string& x) { what += (what.empty() ? "" : "; ") + x; };
    if (violations) add(std::to_string(violations) + " fork holder-word violations");
    if (uses != 2 * meals)
        add("fork uses " + std::to_string(uses) + " != 2 x meals " + std::to_string(2 * meals) +
            " (lost updates: two philosophers held one fork)");
    if (!what.empty()) {
        s.fail("fork exclusion broken: " + what);
    } else if (starved) {
        // Starvation is what this scenario measures, not a broken promise:
        // no strategy here promises a meal per window (the waiter's
        // std::counting_semaphore, for one, is not FIFO). It is reported in
        // the metrics and the figure, with who waited on what.
        s.checks["starved"] =
            detail::cat(starved, " of ", d.cfg.seats,
                        " philosophers ate nothing in the window (as it closed: ", starved_names,
                        starved > 4 ? "; ..." : "", ")");
    }
    return s;
}

// Threads stuck and detached: only the published atomics may be read.
template <class Strategy>
Sample stuck_sample(Dinner<Strategy>& d, const DinnerOutcome& out, const CaseConfig& c) {
    Sample s;
    s.window_ns = out.window_ns;
    for (int p = 0; p < d.cfg.seats; ++p) {
        ThreadSample t;
        t.ops = d.table.seat(p).measured.load();
        s.threads.push_back(std::move(t));
    }
    s.thread_cpus = c.thread_cpus;
    s.latencies = {{"fork_wait", LatencyHistogram{}}};  // private histograms are out of reach
    s.delays = report_delays(d.cfg.delays(), {}, c.clock->ticks_per_ns,
                             c.clock->overhead_ns_median);  // requested only, for the same reason
    add_totals(s, d, c.clock->ticks_per_ns);
    const std::uint64_t meals = s.checks["meals"].get<std::uint64_t>();
    s.valid = false;
    s.threads_abandoned = true;
    nlohmann::json state = table_json(out.view, out.cycle);
    state["meals_before"] = meals;
    state["since_start_ns"] = finite_or_null(out.since_start_ns);
    state["stalled_ns"] = finite_or_null(out.stalled_ns);
    state["stall_limit_ns"] = c.params.integer("stall_ns");
    state["phase"] = phase_name(out.stuck_in);
    if (out.end == DinnerEnd::Deadlock) {
        s.detail = describe_deadlock(out.view, out.cycle);
        state["kind"] = "wait_for_cycle";
        s.deadlock = std::move(state);
        s.metrics["meals_before_deadlock"] = meals;
        s.metrics["time_to_deadlock_ns"] = finite_or_null(out.since_start_ns);
    } else {
        s.detail = describe_stall(out.view, out.stalled_ns / 1e6);
        state["kind"] = "stalled";
        s.checks["stall"] = std::move(state);
    }
    return s;
}

template <class Strategy>
Sample run_dinner(const CaseConfig& c) {
    DinnerConfig cfg;
    cfg.seats = c.threads;
    cfg.gap_ns = c.params.integer("pickup_gap_ns");
    cfg.stall_ns = c.params.integer("stall_ns");
    cfg.warmup_ns = c.warmup_ns;
    cfg.duration_ns = c.duration_ns;
    cfg.thread_cpus = c.thread_cpus;
    // A meal takes microseconds (sleeps, backoff): timing each one costs
    // nothing that matters, unless --sample-every asks for fewer.
    cfg.sample_every = c.sample_every ? c.sample_every : 1;
    cfg.eat_ns = static_cast<double>(c.params.integer("eat_ns"));
    cfg.think_ns = static_cast<double>(c.params.integer("think_ns"));
    auto dinner = std::make_unique<Dinner<Strategy>>(cfg);
    const DinnerOutcome out = dinner->run();
    Sample s;
    if (out.end == DinnerEnd::Completed) {
        s = completed_sample(*dinner, out, c);
    } else {
        s = stuck_sample(*dinner, out, c);
        // Its threads are blocked on its mutexes for the rest of the
        // process: it must outlive them, so it is never freed.
        (void)dinner.release();
    }
    return s;
}

template <class Strategy>
void add_strategy(Registry& r, const char* name, const char* description,
                  const char* expected_status = "") {
    PrimitiveInfo info{.name = name,
                       .family = "dining",
                       .description = description,
                       .blocking = true,
                       .expected_status = expected_status,
                       .size_bytes = sizeof(Fork),
                       .align_bytes = alignof(Fork)};
    r.add_primitive(info);
    r.bind(kScenario, name, run_dinner<Strategy>);
}

}  // namespace

void register_deadlock_scenario(Registry& r) {
    auto ns = [](const char* name, std::int64_t def, std::int64_t lo, std::int64_t hi,
                 const char* doc) { return ParamSpec::integer(name, def, lo, hi, "ns", doc); };
    auto& s = r.add_scenario(
        {kScenario,
         "problems",
         "dining philosophers, one std::mutex per fork: meals/s, fairness and longest wait per "
         "strategy; a deadlock (naive) is detected from the wait-for cycle and reported, not hung "
         "on",
         {ParamSpec::integer("seats", 5, 2, 64, "",
                             "philosophers = threads (more than CPUs = oversubscribed)", true)
              .in_preset("full", "3,5,16"),
          ns("pickup_gap_ns", 50'000, 0, 10'000'000,
             "sleep between the two pick-ups; 0: naive may run a long time before it deadlocks")
              .in_preset("full", "0,50000"),
          ns("eat_ns", 20'000, 0, 10'000'000, "busy work while holding both forks"),
          ns("think_ns", 100'000, 0, 10'000'000, "busy work between meals (random 0..2x)"),
          ns("stall_ns", 100'000'000, 10'000'000, 5'000'000'000,
             "no meal for this long = stuck: deadlock if the wait-for graph has a cycle")},
         {},
         {}});
    s.thread_count = [](const ParamPoint& p) { return static_cast<int>(p.integer("seats")); };
    // naive exists to deadlock: that outcome is reported, and does not fail the run.
    add_strategy<NaiveStrategy>(r, "naive",
                                "left fork, then right: deadlocks (Dijkstra's dining philosophers)",
                                "deadlock");
    add_strategy<OrderedStrategy>(r, "ordered",
                                  "resource hierarchy: lower-numbered fork first (Dijkstra 1971)");
    add_strategy<ScopedLockStrategy>(
        r, "scoped_lock", "std::scoped_lock on both forks (std::lock: lock one, try the other)");
    add_strategy<TrylockBackoffStrategy>(
        r, "trylock_backoff", "left, try_lock right, else drop left and randomized backoff");
    add_strategy<WaiterStrategy>(
        r, "waiter", "an arbiter (std::counting_semaphore) seats at most n-1 philosophers");
}

}  // namespace contend
