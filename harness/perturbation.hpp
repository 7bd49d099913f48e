#pragma once
// What `contend stress` does to a trial's threads around each operation, so
// that rare interleavings become common (locktorture's stutter and shuffle,
// rcutorture's CPU movement): random busy delays, yields and short sleeps
// before and after an operation, moving a thread to another CPU now and
// then, pausing every thread together at regular instants (stutter), bursts
// of operations separated by idle gaps, an uneven pace (each thread its own
// fixed delay after every operation), and quiet instants right after an
// operation (every thread stops until the stall watch has looked).
//
// The harness injects them between operations, in StressedContext's loop
// (stressed_context.hpp), never inside a primitive or a scenario: a scenario
// that runs its operation through ctx.run() is perturbed without knowing it.
// A benchmark run never reaches that loop.
//
// Every choice is drawn from the trial's seed (draw), so a replay perturbs
// with the same kinds, rates and lengths; each thread's own random stream
// is seeded from the trial's seed and its thread index.
#include <cstdint>
#include <random>

#include <nlohmann/json.hpp>

namespace contend {

struct Perturbation {
    // Chances per operation, in 1/65536, of each thing happening before it
    // (and, independently, after it).
    std::uint32_t delay_chance = 0;  // a busy delay of up to delay_max_ns
    std::int64_t delay_max_ns = 0;
    std::uint32_t yield_chance = 0;  // sched_yield()
    std::uint32_t sleep_chance = 0;  // a sleep of up to sleep_max_ns
    std::int64_t sleep_max_ns = 0;
    // Every this many operations a thread moves to another allowed CPU (0: never).
    std::uint64_t migrate_every = 0;
    // Stutter: in every stutter_period_ns, all threads pause for the first
    // stutter_pause_ns (0: no stutter). One clock for all, so they pause together.
    std::int64_t stutter_period_ns = 0, stutter_pause_ns = 0;
    // Bursts: after burst_ops operations a thread idles for idle_gap_ns (0: no bursts).
    std::uint64_t burst_ops = 0;
    std::int64_t idle_gap_ns = 0;
    // Uneven pace: each thread busy-works a fixed time of its own after
    // every operation, drawn once per thread up to pace_max_ns (0: off), so
    // that one side of a queue outruns the other (consumers that find it
    // empty and sleep, producers that find it full) and locks see slow and
    // fast takers side by side.
    std::int64_t pace_max_ns = 0;
    // Quiet instants: after every operation that leaves another thread
    // asleep inside its own, the thread closes the team's quiet gate
    // (quiet_gate.hpp): every thread then stops between operations until
    // the stall watch has judged those still inside one.
    bool quiet = false;
    std::uint64_t seed = 0;  // each thread's stream: seed and its index

    bool any() const;
    nlohmann::json to_json() const;
    // A random mix: each kind on or off, with random rates and lengths.
    static Perturbation draw(std::mt19937_64& rng);
};

// One thread's injector, used by ThreadContext's stressed loop.
class PerturbationInjector {
  public:
    PerturbationInjector(const Perturbation& p, int thread, double ticks_per_ns);
    void before() { around(); }
    void after();

  private:
    void around();
    void stutter();
    void migrate();
    std::uint32_t roll() { return static_cast<std::uint32_t>(rng_() & 0xffff); }

    const Perturbation& p_;
    std::mt19937_64 rng_;
    std::uint64_t pace_ticks_ = 0;  // this thread's own pace (Perturbation::pace_max_ns)
    std::uint64_t calls_ = 0;       // operations attempted, successful or not
    double ticks_per_ns_;
};

}  // namespace contend
