#pragma once
// queues.throughput — `producers` threads push messages as fast as the queue
// takes them, `consumers` threads pop them, for a timed window. Throughput is
// messages consumed per second; a failed try_push (full) or try_pop (empty)
// is counted separately and never as throughput. Each message carries its
// send timestamp (on 1 in `sample_every` messages), so consumers record
// enqueue→dequeue latency; this assumes the cycle counter is synchronised
// across cores (invariant TSC). The coordinator samples occupancy (sent −
// received) every millisecond. `wait` says what a thread does when the queue
// is full or empty: spin (pause), yield, or block inside the queue.
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
#include "harness/stats.hpp"
#include "harness/thread_team.hpp"
#include "suites/locks/relax.hpp"
#include "suites/queues/delivery_check.hpp"
#include "suites/queues/queue_concepts.hpp"

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

// Per-thread state; the running totals are atomics only so the coordinator
// may read them for occupancy (relaxed stores compile to plain moves).
struct alignas(kCacheLine) QueueThreadStats {
    std::atomic<std::uint64_t> moved{0};  // pushed (producer) or popped (consumer), all phases
    std::uint64_t failed = 0;             // try_push on full / try_pop on empty, in the window
    LatencyHistogram latency;
};

template <class Q, class T>
Sample run_throughput(const CaseConfig& c) {
    const auto producers = static_cast<int>(c.params.integer("producers"));
    const auto consumers = static_cast<int>(c.params.integer("consumers"));
    const auto* batch_param = c.params.find("batch");
    const int batch = batch_param ? static_cast<int>(std::get<std::int64_t>(*batch_param)) : 1;
    // Paced (open loop): ticks between one producer's scheduled sends; 0 = as fast as possible.
    const auto* rate_param = c.params.find("rate");
    const double interval_ticks = rate_param
                                      ? c.clock->ticks_per_ns * 1e9 * producers /
                                            static_cast<double>(std::get<std::int64_t>(*rate_param))
                                      : 0.0;
    const Wait wait = wait_mode(c);
    const bool fifo =
        c.primitive->ordering == "fifo" || c.primitive->ordering == "per_producer_fifo";
    const std::uint32_t every = c.sample_every ? c.sample_every : 1;

    auto queue = std::make_unique<Q>(static_cast<std::size_t>(c.params.integer("capacity")));
    std::vector<QueueThreadStats> stats(producers + consumers);
    std::vector<DeliveryTally> tallies(consumers + 1, DeliveryTally(producers));  // +1: the drain
    std::atomic<int> producers_done{0};
    LatencyHistogram occupancy;

    TeamConfig team_cfg{c.threads, c.warmup_ns, c.duration_ns, c.thread_cpus,
                        c.clock->ticks_per_ns};
    team_cfg.tick = [&] {
        std::uint64_t in = 0, out = 0;
        for (int p = 0; p < producers; ++p) in += stats[p].moved.load(std::memory_order_relaxed);
        for (int k = 0; k < consumers; ++k)
            out += stats[producers + k].moved.load(std::memory_order_relaxed);
        occupancy.record(in > out ? in - out : 0);
    };
    if constexpr (BlockingQueue<Q, T>)
        if (wait == Wait::Block)
            team_cfg.after_stop = [&] {
                // Producers finish their last push first (consumers are still
                // popping), then each consumer gets one poison message.
                while (producers_done.load(std::memory_order_acquire) < producers) sched_yield();
                T poison{};
                poison.producer = kPoison;
                for (int k = 0; k < consumers; ++k) queue->push(poison);
            };

    Team team(team_cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        const int me = ctx.tid();
        auto& st = stats[me];
        std::uint64_t ops = 0;
        if (me < producers) {
            std::uint64_t seq = 0, rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(me + 1);
            double next_send = 0;  // scheduled send time in ticks (paced runs)
            auto push_one = [&](bool measured) -> bool {
                std::uint64_t scheduled = 0;
                if (interval_ticks > 0) {
                    if (next_send == 0) next_send = static_cast<double>(cycle_clock::now());
                    scheduled = static_cast<std::uint64_t>(next_send);
                    while (cycle_clock::now() < scheduled)
                        if (!ctx.warming() && !ctx.measuring()) return false;
                    next_send += interval_ticks;
                }
                T m{};
                m.producer = static_cast<std::uint32_t>(me);
                m.sequence = seq;
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                m.priority = static_cast<std::uint32_t>(rng & 0xffff);
                m.sent_ticks = seq % every != 0 ? 0 : scheduled ? scheduled : cycle_clock::now();
                bool blocking_push = false;
                if constexpr (BlockingQueue<Q, T>) blocking_push = wait == Wait::Block;
                if (blocking_push) {
                    if constexpr (BlockingQueue<Q, T>) queue->push(m);
                } else {
                    while (!queue->try_push(m)) {
                        st.failed += measured;
                        if (!ctx.warming() && !ctx.measuring()) return false;  // stopped while full
                        back_off(wait);
                    }
                }
                ++seq;
                st.moved.store(seq, std::memory_order_relaxed);
                return true;
            };
            ctx.wait_start();
            while (ctx.warming())
                for (int b = 0; b < batch && push_one(false); ++b) {
                }
            ctx.begin_window();
            while (ctx.measuring())
                for (int b = 0; b < batch && push_one(true); ++b) ++ops;
            ctx.end_window(ops);
            producers_done.fetch_add(1, std::memory_order_release);
            return;
        }
        auto& tally = tallies[me - producers];
        std::uint64_t popped = 0;
        auto take = [&](const T& m, bool measured) {
            tally.receive(m.producer, m.sequence, fifo);
            st.moved.store(++popped, std::memory_order_relaxed);
            if (measured && m.sent_ticks) {
                const std::uint64_t now = cycle_clock::now();
                st.latency.record(now > m.sent_ticks ? now - m.sent_ticks : 0);
            }
        };
        ctx.wait_start();
        T m{};
        if constexpr (BlockingQueue<Q, T>) {
            if (wait == Wait::Block) {
                bool open = false, closed = false;
                while (true) {
                    queue->pop(m);
                    const bool measured = ctx.measuring();
                    if (measured && !open) {
                        ctx.begin_window();
                        open = true;
                    }
                    if (!measured && open && !closed) {
                        ctx.end_window(ops);
                        closed = true;
                    }
                    if (m.producer == kPoison) break;
                    take(m, measured);
                    ops += measured;
                }
                if (!open) ctx.begin_window();
                if (!closed) ctx.end_window(ops);
                return;
            }
        }
        while (ctx.warming())
            for (int b = 0; b < batch; ++b)
                if (queue->try_pop(m))
                    take(m, false);
                else
                    back_off(wait);
        ctx.begin_window();
        while (ctx.measuring())
            for (int b = 0; b < batch; ++b)
                if (queue->try_pop(m)) {
                    take(m, true);
                    ++ops;
                } else {
                    ++st.failed;
                    back_off(wait);
                }
        ctx.end_window(ops);
    });

    // Drain what is left, in one thread: conservation, and a priority queue's order.
    T m{};
    std::uint64_t drained = 0, priority_inversions = 0;
    std::uint32_t previous_priority = UINT32_MAX;
    auto& drain = tallies.back();
    while (queue->try_pop(m)) {
        if (m.producer == kPoison) continue;
        drain.receive(m.producer, m.sequence, fifo);
        priority_inversions += m.priority > previous_priority;
        previous_priority = m.priority;
        ++drained;
    }

    std::vector<std::uint64_t> sent;
    std::vector<const DeliveryTally*> received;
    std::uint64_t failed_push = 0, failed_pop = 0, order_violations = 0;
    std::vector<double> producer_ops, consumer_ops;
    LatencyHistogram latency;
    for (int t = 0; t < producers + consumers; ++t) {
        const bool producer = t < producers;
        auto& ts = s.threads[t];
        ts.role = producer ? "producer" : "consumer";
        ts.counted = !producer;
        ts.extra = {{"failed", stats[t].failed}};
        (producer ? failed_push : failed_pop) += stats[t].failed;
        (producer ? producer_ops : consumer_ops).push_back(static_cast<double>(ts.ops));
        if (producer)
            sent.push_back(stats[t].moved.load());
        else
            latency.merge(stats[t].latency);
    }
    for (const auto& t : tallies) {
        received.push_back(&t);
        order_violations += t.order_violations();
    }
    const DeliveryVerdict v = check_delivery(sent, received);
    const bool priority_bad = c.primitive->ordering == "priority" && priority_inversions > 0;

    const double items = static_cast<double>(s.total_ops());
    auto jain = [](const std::vector<double>& x) {
        const auto f = fairness(x);
        return f.jain ? finite_or_null(*f.jain) : nlohmann::json(nullptr);
    };
    s.latencies = {{"enqueue_dequeue", latency}};
    s.sample_every = every;
    s.metrics["failed_push_per_item"] = finite_or_null(failed_push / items);
    s.metrics["failed_pop_per_item"] = finite_or_null(failed_pop / items);
    s.metrics["producer_jain_index"] = jain(producer_ops);
    s.metrics["consumer_jain_index"] = jain(consumer_ops);
    s.metrics["occupancy_p50"] = occupancy.count() ? occupancy.percentile(50) : 0;
    s.metrics["occupancy_p90"] = occupancy.count() ? occupancy.percentile(90) : 0;
    s.metrics["occupancy_max"] = occupancy.max();
    s.metrics["drained_after_window"] = drained;
    if (rate_param) {
        const double offered = static_cast<double>(std::get<std::int64_t>(*rate_param));
        s.metrics["offered_items_per_s"] = offered;
        s.metrics["achieved_over_offered"] = finite_or_null(items / (s.window_ns * 1e-9) / offered);
    }
    report_delivery(s, v, fifo, order_violations,
                    "messages arrived before an earlier one of the same producer");
    s.checks["priority_inversions_in_drain"] = priority_inversions;
    if (s.valid && priority_bad) {
        s.valid = false;
        s.detail = "priority order broken: " + std::to_string(priority_inversions) +
                   " inversions while draining";
    }
    return s;
}

}  // namespace contend::queues
