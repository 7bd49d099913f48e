#pragma once
// queues.pingpong — round trip between two threads through two queues: the
// initiator stamps a message, pushes it on the outbound queue, and waits for
// the echo thread to send it back on the return queue. The harness's window
// counts round trips untimed; its sampled latency phase times them (the
// figure the gate tests for queues). Before the queue rounds, the same two threads (same pinning)
// bounce one cache line: that round trip is the physical floor no queue can beat, and the ratio
// queue/floor says how much the queue itself costs.
//
// Validation: every echo must return the sequence number just sent.
#include <sched.h>

#include <memory>

#include "suites/queues/cache_line_floor.hpp"
#include "suites/queues/throughput_scenario.hpp"

namespace contend::queues {

template <class Q, class T>
Sample run_pingpong(const CaseConfig& c) {
    const Wait wait = wait_mode(c);
    TeamConfig cfg = team_config(c);
    // The floor gets a quarter of the window: its distribution is narrow.
    TeamConfig floor_cfg{2, c.warmup_ns, c.duration_ns, c.thread_cpus, c.clock->ticks_per_ns};
    floor_cfg.warmup_ns = std::min<std::int64_t>(c.warmup_ns, 10'000'000);
    floor_cfg.duration_ns = std::max<std::int64_t>(c.duration_ns / 4, 10'000'000);
    const LatencyHistogram floor = measure_cache_line_round_trip(floor_cfg);

    const auto capacity = static_cast<std::size_t>(c.params.integer("capacity"));
    auto out = std::make_unique<Q>(capacity), back = std::make_unique<Q>(capacity);
    LatencyHistogram rtt;
    std::uint64_t mismatches = 0;
    bool blocking = false;
    if constexpr (BlockingQueue<Q, T>) blocking = wait == Wait::Block;
    if constexpr (BlockingQueue<Q, T>)
        if (blocking)
            cfg.after_stop = [&] {
                T poison{};
                poison.producer = kPoison;
                out->push(poison);   // wakes the echo thread
                back->push(poison);  // wakes the initiator
            };

    // One blocking or polling transfer; false when the run stopped meanwhile.
    auto send = [&](Q& q, const T& m, ThreadContext& ctx) {
        if constexpr (BlockingQueue<Q, T>)
            if (blocking) {
                q.push(m);
                return true;
            }
        while (!q.try_push(m))
            if (ctx.stopping())
                return false;
            else
                back_off(wait);
        return true;
    };
    auto receive = [&](Q& q, T& m, ThreadContext& ctx) {
        if constexpr (BlockingQueue<Q, T>)
            if (blocking) {
                q.pop(m);
                return m.producer != kPoison;
            }
        while (!q.try_pop(m))
            if (ctx.stopping())
                return false;
            else
                back_off(wait);
        return true;
    };

    Team team(cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        T m{};
        if (ctx.tid() == 0) {
            std::uint64_t seq = 0;
            ctx.run([&](auto clk) -> int {
                m.sequence = seq;
                const std::uint64_t t0 = clk.now();
                if (!send(*out, m, ctx) || !receive(*back, m, ctx)) return -1;  // stopped
                const std::uint64_t t1 = clk.now();
                mismatches += m.sequence != seq;
                ++seq;
                if constexpr (decltype(clk)::timed) rtt.record(t1 - t0);
                return 1;
            });
        } else {
            ctx.run(
                [&](auto) -> int { return receive(*out, m, ctx) && send(*back, m, ctx) ? 1 : -1; });
            if (blocking)  // the initiator may still be blocked waiting for its last echo
                while (m.producer != kPoison && receive(*out, m, ctx)) {
                }
        }
    });

    s.threads[0].role = "initiator";
    s.threads[1].role = "echo";
    s.threads[1].counted = false;
    s.latencies = {{"round_trip", rtt}, {"cache_line_round_trip", floor}};
    const double tpn = c.clock->ticks_per_ns;
    const double floor_p50 = floor.count() ? floor.percentile(50) / tpn : NAN;
    const double rtt_p50 = rtt.count() ? rtt.percentile(50) / tpn : NAN;
    s.metrics["floor_rtt_p50_ns"] = finite_or_null(floor_p50);
    s.metrics["rtt_p50_ns"] = finite_or_null(rtt_p50);
    s.metrics["rtt_over_floor"] = finite_or_null(rtt_p50 / floor_p50);
    s.checks = {{"echo_mismatches", mismatches}};
    if (mismatches)
        s.fail(std::to_string(mismatches) + " echoes came back with another sequence number");
    return s;
}

// The scenario as a binding (queue_scenarios.hpp); describe() and
// bind_catalogue() are in pingpong_scenario.cpp.
struct PingpongBinding {
    static constexpr const char* name = "queues.pingpong";
    static void describe(Registry& r);
    static void bind_catalogue(Registry& r);
    template <class Queue, class T>
    static Sample run(const CaseConfig& c) {
        return run_pingpong<Queue, T>(c);
    }
};

}  // namespace contend::queues
