#pragma once
// queues.throughput — `producers` threads push messages as fast as the queue
// takes them, `consumers` threads pop them, for a timed window. Throughput is
// messages consumed per second in the harness's untimed window; a failed
// try_push (full) or try_pop (empty) is counted separately and never as
// throughput. In the sampled latency phase a producer's timed push stamps its
// message, and the consumer that pops it records the sojourn time
// (enqueue→dequeue; assumes the cycle counter is synchronised across cores,
// invariant TSC). Flat out, a queue runs full or empty, so the sojourn is
// occupancy ÷ throughput (Little's law), not a handoff cost: it is labelled
// `sojourn`. The coordinator samples occupancy (sent − received) every
// millisecond of the latency phase from the published counts (not in the
// throughput window: thread_context.hpp, TeamConfig::tick). `wait` says what a thread does when the
// queue is full or empty: spin (pause), yield, or block inside the queue.
//
// queues.paced runs the same loop open-loop: each producer sends on a fixed
// schedule (`rate` items/s in total, spread over the producers) and stamps
// each message with its *scheduled* send time, not the time it got out. A
// producer held up by a full queue or a preemption therefore charges the
// delay to every message it owes, so coordinated omission cannot hide a
// stall; sweeping `rate` shows where each queue saturates (achieved rate
// falls behind, latency climbs).
//
// Validation: exactly-once delivery per producer and, where the queue
// promises FIFO (global or per producer), strictly increasing sequence
// numbers per producer at every consumer (delivery_check.hpp). After the
// window everything left is drained by one thread and checked too; a
// priority queue's drain must come out in non-increasing priority.
#include <sched.h>

#include <memory>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/relax.hpp"
#include "harness/stats.hpp"
#include "harness/thread_team.hpp"
#include "suites/queues/bare_loop.hpp"
#include "suites/queues/delivery_check.hpp"
#include "suites/queues/queue_concepts.hpp"
#include "suites/queues/queue_promises.hpp"

namespace contend::queues {

inline constexpr std::uint32_t kPoison = UINT32_MAX;  // wakes a blocked consumer at the end

enum class Wait { Spin, Yield, Block };

inline Wait wait_mode(const CaseConfig& c) {
    const auto& w = c.params.choice("wait");
    return w == "block" ? Wait::Block : w == "yield" ? Wait::Yield : Wait::Spin;
}

inline void back_off(Wait w) {
    if (w == Wait::Yield)
        sched_yield();
    else
        relax::Pause::cpu();
}

// Per-thread figures; the running counts of pushes and pops are the
// harness's published operation counts.
struct alignas(kCacheLine) QueueThreadStats {
    std::uint64_t moved = 0;    // pushed (producer) or popped (consumer), all phases
    std::uint64_t failed = 0;   // try_push on full / try_pop on empty, in the window
    std::uint64_t foreign = 0;  // messages naming a producer that does not exist
    LatencyHistogram latency;
};

template <class Q, class T>
Sample run_throughput(const CaseConfig& c) {
    const auto producers = static_cast<int>(c.params.integer("producers"));
    const auto consumers = static_cast<int>(c.params.integer("consumers"));
    // Paced (open loop): ticks between one producer's scheduled sends; 0 = as fast as possible.
    const auto* rate_param = c.params.find("rate");
    const bool paced = rate_param != nullptr;
    const double interval_ticks = rate_param
                                      ? c.clock->ticks_per_ns * 1e9 * producers /
                                            static_cast<double>(std::get<std::int64_t>(*rate_param))
                                      : 0.0;
    const Wait wait = wait_mode(c);
    bool blocking = false;
    if constexpr (BlockingQueue<Q, T>) blocking = wait == Wait::Block;
    const bool fifo = promises_as<QueuePromises>(*c.primitive).ordering == "fifo" ||
                      promises_as<QueuePromises>(*c.primitive).ordering == "per_producer_fifo";
    const bool priority = promises_as<QueuePromises>(*c.primitive).ordering == "priority";

    auto queue = std::make_unique<Q>(static_cast<std::size_t>(c.params.integer("capacity")));
    std::vector<QueueThreadStats> stats(producers + consumers);
    std::vector<DeliveryTally> tallies(consumers, DeliveryTally(producers));
    std::atomic<int> producers_done{0};
    LatencyHistogram occupancy;

    TeamConfig team_cfg = team_config(c);
    team_cfg.tick = [&](const std::vector<ThreadSlot>& slots) {
        std::uint64_t in = 0, out = 0;
        for (int t = 0; t < producers + consumers; ++t)
            (t < producers ? in : out) += slots[t].published.load(std::memory_order_relaxed);
        occupancy.record(in > out ? in - out : 0);
    };
    // Stress mode: a consumer asleep with items in the queue, or a producer
    // asleep with room in it, is a lost wake-up. The poisons that end a
    // blocking run count as items: a consumer asleep with its poison in the
    // queue after the stop was never woken for it.
    const auto capacity = static_cast<std::uint64_t>(c.params.integer("capacity"));
    std::atomic<std::uint64_t> poisons_sent{0}, poisons_taken{0};
    team_cfg.available = [&](int t, const std::vector<ThreadSlot>& slots) {
        std::uint64_t in = poisons_sent.load(std::memory_order_relaxed);
        std::uint64_t out = poisons_taken.load(std::memory_order_relaxed);
        for (int u = 0; u < producers + consumers; ++u)
            (u < producers ? in : out) += slots[u].published.load(std::memory_order_relaxed);
        const std::uint64_t held = in > out ? in - out : 0;
        return t < producers ? held < capacity : held > 0;
    };
    if constexpr (BlockingQueue<Q, T>)
        if (blocking)
            team_cfg.after_stop = [&] {
                // Producers finish their last push first (consumers pop
                // until their poison), then each consumer gets one poison.
                while (producers_done.load(std::memory_order_acquire) < producers) sched_yield();
                T poison{};
                poison.producer = kPoison;
                for (int k = 0; k < consumers; ++k) {
                    queue->push(poison);
                    poisons_sent.fetch_add(1, std::memory_order_relaxed);
                }
            };

    Team team(team_cfg);
    Sample s = team.run([&](auto& ctx) {  // generic: measured and stressed (thread_team.hpp)
        const int me = ctx.tid();
        auto& st = stats[me];
        // The operations take the queue's address by value: reached through
        // the unique_ptr by reference, every push and pop reloaded it twice
        // after the queue's own acquire loads.
        Q* const q = queue.get();
        if (me < producers) {
            std::uint64_t seq = 0, rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(me + 1);
            double next_send = 0;  // scheduled send time in ticks (paced runs)
            // One message pushed (1), or none because the run stopped (0).
            auto push_one = [&, q](auto clk) -> unsigned {
                std::uint64_t scheduled = 0;
                if (interval_ticks > 0) {  // pacing is the workload, not a measurement
                    if (next_send == 0) next_send = static_cast<double>(cycle_clock::now());
                    scheduled = static_cast<std::uint64_t>(next_send);
                    while (cycle_clock::now() < scheduled)
                        if (ctx.stopping()) return 0;
                    next_send += interval_ticks;
                }
                T m{};
                m.producer = static_cast<std::uint32_t>(me);
                m.sequence = seq;
                if (priority) {
                    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                    m.priority = static_cast<std::uint32_t>(rng & 0xffff);
                }
                if constexpr (decltype(clk)::timed)
                    m.sent_ticks = scheduled ? scheduled : clk.now();
                if (blocking) {
                    if constexpr (BlockingQueue<Q, T>) q->push(m);
                } else {
                    while (!q->try_push(m)) {
                        st.failed += ctx.in_window();
                        if (ctx.stopping()) return 0;  // stopped while full
                        back_off(wait);
                    }
                }
                ++seq;
                return 1;
            };
            st.moved = ctx.run(push_one);
            producers_done.fetch_add(1, std::memory_order_release);
            return;
        }
        // The consumer loop, given how it tallies a message it received.
        auto consume = [&](auto&& receive) {
            auto take = [&](const T& m) {
                receive(m);
                // A stamped message comes from a producer's sampled
                // operation; none is stamped before the latency phase.
                if (m.sent_ticks) {
                    const std::uint64_t now = cycle_clock::now();
                    st.latency.record(now > m.sent_ticks ? now - m.sent_ticks : 0);
                }
            };
            T m{};
            if (blocking) {
                if constexpr (BlockingQueue<Q, T>) {
                    bool poisoned = false;
                    // A poison is counted as taken (poisons_taken), not
                    // as moved.
                    auto poison = [&] {
                        poisons_taken.fetch_add(1, std::memory_order_relaxed);
                        poisoned = true;
                    };
                    st.moved = ctx.run([&, q](auto) -> int {
                        q->pop(m);
                        if (m.producer == kPoison) {
                            poison();
                            return -1;  // never block again
                        }
                        take(m);
                        return 1;
                    });
                    // Stopped between two pops: keep taking until this
                    // consumer's poison, or a producer blocked on a full
                    // queue would never finish its push (found by contend
                    // stress: capacity 2, every consumer gone, the
                    // coordinator blocked pushing a poison).
                    while (!poisoned)
                        ctx.after_run([&, q]() -> unsigned {
                            q->pop(m);
                            if (m.producer == kPoison) {
                                poison();
                                return 0;
                            }
                            receive(m);
                            return 1;
                        });
                }
                return;
            }
            st.moved = ctx.run([&, q](auto) -> unsigned {
                if (q->try_pop(m)) {
                    take(m);
                    return 1;
                }
                st.failed += ctx.in_window();
                back_off(wait);
                return 0;
            });
        };
        // A message naming a producer that does not exist is foreign: a
        // queue that handed out garbage.
        auto& tally = tallies[me - producers];
        std::uint64_t foreign = 0;
        if (producers > 1) {
            consume([&](const T& m) {
                if (tally.knows(m.producer))
                    tally.receive(m.producer, m.sequence, fifo);
                else
                    ++foreign;
            });
        } else {
            // One producer: the tally stays in registers (ProducerTally).
            ProducerTally local;
            consume([&](const T& m) {
                foreign += m.producer != 0;
                local.receive(m.sequence, fifo);
            });
            tally.absorb(0, local);
        }
        st.foreign = foreign;
    });

    // Drain what is left, in one thread: conservation, and a priority queue's order.
    T m{};
    std::uint64_t drained = 0, priority_inversions = 0;
    std::uint32_t previous_priority = UINT32_MAX;
    DeliveryTally drain(producers);
    drain.expect_newer_than(tallies);
    std::uint64_t foreign = 0;
    while (queue->try_pop(m)) {
        if (m.producer == kPoison) continue;
        if (!drain.knows(m.producer)) {
            ++foreign;
            continue;
        }
        drain.receive(m.producer, m.sequence, fifo);
        priority_inversions += m.priority > previous_priority;
        previous_priority = m.priority;
        ++drained;
    }

    std::vector<std::uint64_t> sent;
    std::vector<const DeliveryTally*> received;
    std::uint64_t failed_push = 0, failed_pop = 0, order_violations = 0;
    LatencyHistogram latency;
    for (int t = 0; t < producers + consumers; ++t) {
        const bool producer = t < producers;
        auto& ts = s.threads[t];
        ts.role = producer ? "producer" : "consumer";
        ts.counted = !producer;
        ts.extra = {{"failed", stats[t].failed}};
        (producer ? failed_push : failed_pop) += stats[t].failed;
        foreign += stats[t].foreign;
        if (producer)
            sent.push_back(stats[t].moved);
        else
            latency.merge(stats[t].latency, latency_weight(s, t));
    }
    for (const auto& t : tallies) {
        received.push_back(&t);
        order_violations += t.order_violations();
    }
    received.push_back(&drain);
    order_violations += drain.order_violations();
    const DeliveryVerdict v = check_delivery(sent, received);
    const bool priority_bad =
        promises_as<QueuePromises>(*c.primitive).ordering == "priority" && priority_inversions > 0;

    const double items = static_cast<double>(s.total_ops());
    // Sojourn time: with producers running flat out, a message waits behind
    // the whole occupancy (Little's law), so this is a queue-depth figure,
    // not the queue's handoff cost (queues.pingpong and queues.paced below
    // saturation measure that).
    s.latencies = {{paced ? "enqueue_dequeue" : "sojourn", latency}};
    s.metrics["failed_push_per_item"] = finite_or_null(failed_push / items);
    s.metrics["failed_pop_per_item"] = finite_or_null(failed_pop / items);
    const bool sampled = occupancy.count() != 0;
    s.metrics["occupancy_p50"] = sampled ? nlohmann::json(occupancy.percentile(50)) : nullptr;
    s.metrics["occupancy_p90"] = sampled ? nlohmann::json(occupancy.percentile(90)) : nullptr;
    s.metrics["occupancy_max"] = sampled ? nlohmann::json(occupancy.max()) : nullptr;
    if (!spare_cpu_for_ticks(team_cfg)) s.metrics["occupancy_null_reason"] = kNoTickReason;
    s.metrics["drained_after_window"] = drained;
    if (rate_param) {
        const double offered = static_cast<double>(std::get<std::int64_t>(*rate_param));
        s.metrics["offered_items_per_s"] = offered;
        s.metrics["achieved_over_offered"] = finite_or_null(items / (s.window_ns * 1e-9) / offered);
    }
    // The 1x1 figure's reference: a bare loop of the same queue, capacity,
    // message and pinning, measured now (bare_loop.hpp).
    if (!paced && producers == 1 && consumers == 1 && wait == Wait::Spin) {
        const double bare = bare_items_per_second<Q, T>(
            static_cast<std::size_t>(c.params.integer("capacity")), c.thread_cpus,
            std::min<std::int64_t>(c.warmup_ns, 10'000'000), c.duration_ns, priority);
        s.metrics["bare_items_per_s"] = finite_or_null(bare);
        s.metrics["harness_over_bare"] = finite_or_null(items / (s.window_ns * 1e-9) / bare);
    }
    // Garbage first: it also shows up as lost messages, but that is its effect.
    s.checks["foreign_messages"] = foreign;
    if (foreign)
        s.fail("delivery broken: " + std::to_string(foreign) +
               " messages named a producer that does not exist");
    report_delivery(s, v, fifo, order_violations,
                    "messages arrived before an earlier one of the same producer (drain included)");
    s.checks["priority_inversions_in_drain"] = priority_inversions;
    if (s.valid && priority_bad)
        s.fail("priority order broken: " + std::to_string(priority_inversions) +
               " inversions while draining");
    return s;
}

// The scenarios as bindings (queue_scenarios.hpp); describe() and
// bind_catalogue() are in throughput_scenario.cpp.
struct ThroughputBinding {
    static constexpr const char* name = "queues.throughput";
    static void describe(Registry& r);
    static void bind_catalogue(Registry& r);
    template <class Queue, class T>
    static Sample run(const CaseConfig& c) {
        return run_throughput<Queue, T>(c);
    }
};

// queues.paced: the same loop, open-loop (its `rate` parameter).
struct PacedBinding {
    static constexpr const char* name = "queues.paced";
    static void describe(Registry& r);
    static void bind_catalogue(Registry& r);
    template <class Queue, class T>
    static Sample run(const CaseConfig& c) {
        return run_throughput<Queue, T>(c);
    }
};

}  // namespace contend::queues
