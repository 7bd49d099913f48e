#pragma once
// The physical floor under any inter-thread round trip: two threads bounce
// one cache line (A writes, B sees it and answers, A sees the answer). No
// queue can hand a message over and back faster than its cache line can
// travel there and back between the same two CPUs, so queues.pingpong
// reports this beside each queue's round trip, measured in the same run,
// with the same pinning.
#include <atomic>
#include <cstdint>

#include "harness/cycle_clock.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/relax.hpp"
#include "harness/thread_team.hpp"

namespace contend::queues {

inline LatencyHistogram measure_cache_line_round_trip(const TeamConfig& cfg) {
    struct alignas(kCacheLine) Line {
        std::atomic<std::uint64_t> value{0};
    };
    Line line;
    LatencyHistogram rtt;
    TeamConfig two = cfg;
    two.threads = 2;
    two.tick = nullptr;
    two.after_stop = nullptr;
    Team team(two);
    team.run([&](ThreadContext& ctx) {
        std::uint64_t ops = 0;
        ctx.wait_start();
        if (ctx.tid() == 0) {
            // Odd values are pings, even values answers; each side waits with
            // pause and gives up on stop, so neither can hang the other.
            std::uint64_t v = 0;
            auto round = [&](bool measured) {
                const std::uint64_t t0 = cycle_clock::now();
                line.value.store(v + 1, std::memory_order_release);
                while (line.value.load(std::memory_order_acquire) != v + 2)
                    if (!ctx.warming() && !ctx.measuring())
                        return false;
                    else
                        relax::Pause::cpu();
                v += 2;
                if (measured) rtt.record(cycle_clock::now() - t0);
                return true;
            };
            while (ctx.warming() && round(false)) {
            }
            ctx.begin_window();
            while (ctx.measuring() && round(true)) ++ops;
        } else {
            std::uint64_t seen = 0;
            auto answer = [&]() -> bool {
                const std::uint64_t v = line.value.load(std::memory_order_acquire);
                if (v != seen && (v & 1)) {
                    line.value.store(v + 1, std::memory_order_release);
                    seen = v + 1;
                    return true;
                }
                relax::Pause::cpu();
                return false;
            };
            while (ctx.warming()) answer();
            ctx.begin_window();
            while (ctx.measuring()) ops += answer();
        }
        ctx.end_window(ops);
    });
    return rtt;
}

}  // namespace contend::queues
