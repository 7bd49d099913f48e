#include "harness/perturbation.hpp"

#include <sched.h>
#include <time.h>

#include <cmath>
#include <vector>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

void sleep_ns(std::int64_t ns) {
    if (ns <= 0) return;
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

}  // namespace

bool Perturbation::any() const {
    return delay_chance || yield_chance || sleep_chance || migrate_every || stutter_period_ns ||
           burst_ops || pace_max_ns || quiet;
}

nlohmann::json Perturbation::to_json() const {
    return {{"delay_per_65536_ops", delay_chance},
            {"delay_max_ns", delay_max_ns},
            {"yield_per_65536_ops", yield_chance},
            {"sleep_per_65536_ops", sleep_chance},
            {"sleep_max_ns", sleep_max_ns},
            {"migrate_every_ops", migrate_every},
            {"stutter_period_ns", stutter_period_ns},
            {"stutter_pause_ns", stutter_pause_ns},
            {"burst_ops", burst_ops},
            {"idle_gap_ns", idle_gap_ns},
            {"pace_max_ns", pace_max_ns},
            {"quiet", quiet},
            {"seed", seed}};
}

Perturbation Perturbation::draw(std::mt19937_64& rng) {
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    auto pick = [&](std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    Perturbation p;
    // Each kind is on in about half of the trials, so failures can be told
    // apart by which kinds they needed; the rates span common to rare.
    if (chance(0.5)) {
        p.delay_chance = static_cast<std::uint32_t>(pick(64, 16384));
        p.delay_max_ns = pick(100, 20'000);
    }
    if (chance(0.4)) p.yield_chance = static_cast<std::uint32_t>(pick(16, 4096));
    if (chance(0.3)) {
        p.sleep_chance = static_cast<std::uint32_t>(pick(1, 256));
        p.sleep_max_ns = pick(1'000, 200'000);
    }
    if (chance(0.3)) p.migrate_every = static_cast<std::uint64_t>(pick(1'000, 200'000));
    // Stutter in most trials: its pauses are the quiet instants at which the
    // stall watch can tell a lost wake-up (a waiter asleep on a free lock)
    // from a busy lock.
    if (chance(0.7)) {
        p.stutter_period_ns = pick(5, 40) * 1'000'000;
        p.stutter_pause_ns = p.stutter_period_ns / pick(3, 10);
    }
    if (chance(0.3)) {
        p.burst_ops = static_cast<std::uint64_t>(pick(10, 100'000));
        p.idle_gap_ns = pick(10'000, 5'000'000);
    }
    // Uneven pace, up to 100 ns .. 20 us a thread (log-uniform): enough for
    // one side of a queue to wait on the other, short enough to leave a
    // trial the thousands of operations a rare fault needs.
    if (chance(0.4))
        p.pace_max_ns = static_cast<std::int64_t>(std::exp(
            std::uniform_real_distribution<double>(std::log(100.0), std::log(20'000.0))(rng)));
    // Quiet instants right after every operation that leaves another
    // thread asleep inside its own, where a lost wake-up that the next
    // operation would rescue shows. After every such operation, not a share
    // of them: a fault counted once in N operations happens a few times a
    // trial, and each time only the quiet right after it can show it. A
    // correct primitive's quiet ends after one wake-up and one look (tens
    // of microseconds). On in most trials: it costs nothing where nobody
    // sleeps (spinning primitives).
    p.quiet = chance(0.7);
    p.seed = rng();
    return p;
}

PerturbationInjector::PerturbationInjector(const Perturbation& p, int thread, double ticks_per_ns)
    : p_(p),
      rng_(p.seed ^ (0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(thread + 1))),
      ticks_per_ns_(ticks_per_ns > 0 ? ticks_per_ns : 1) {
    if (p.pace_max_ns > 0)
        pace_ticks_ = BusyWork::current().ticks_for(static_cast<double>(
            std::uniform_int_distribution<std::int64_t>(0, p.pace_max_ns)(rng_)));
}

void PerturbationInjector::around() {
    if (p_.stutter_period_ns) stutter();
    if (p_.delay_chance && roll() < p_.delay_chance) {
        const auto ns = std::uniform_int_distribution<std::int64_t>(1, p_.delay_max_ns)(rng_);
        spin_for(BusyWork::current().ticks_for(static_cast<double>(ns)));
    }
    if (p_.yield_chance && roll() < p_.yield_chance) sched_yield();
    if (p_.sleep_chance && roll() < p_.sleep_chance)
        sleep_ns(std::uniform_int_distribution<std::int64_t>(1, p_.sleep_max_ns)(rng_));
}

void PerturbationInjector::after() {
    around();
    spin_for(pace_ticks_);
    ++calls_;
    if (p_.migrate_every && calls_ % p_.migrate_every == 0) migrate();
    if (p_.burst_ops && calls_ % p_.burst_ops == 0) sleep_ns(p_.idle_gap_ns);
}

void PerturbationInjector::stutter() {
    const auto period =
        static_cast<std::uint64_t>(static_cast<double>(p_.stutter_period_ns) * ticks_per_ns_);
    const auto pause =
        static_cast<std::uint64_t>(static_cast<double>(p_.stutter_pause_ns) * ticks_per_ns_);
    if (period == 0) return;
    // The counter is shared by every core (invariant TSC), so every thread
    // sees the same pause windows.
    const std::uint64_t into = cycle_clock::now() % period;
    if (into < pause)
        sleep_ns(static_cast<std::int64_t>(static_cast<double>(pause - into) / ticks_per_ns_));
}

void PerturbationInjector::migrate() {
    // The process's CPUs (discovered before any thread was pinned).
    const std::vector<int>& cpus = Topology::get().compact;
    if (cpus.size() < 2) return;
    pin_current_thread(cpus[std::uniform_int_distribution<std::size_t>(0, cpus.size() - 1)(rng_)]);
}

}  // namespace contend
