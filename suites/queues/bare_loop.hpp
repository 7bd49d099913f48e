#pragma once
// The reference a queue's 1x1 figure is held against (`harness_over_bare`):
// the same queue type, capacity, message and pinning, driven by the textbook
// loop the queue libraries' own benchmarks use — a producer pushes a fixed
// count of sequence numbers as fast as the queue takes them, a consumer pops
// exactly that count and sums them, and the time from the producer's first
// push to the consumer's last pop is the figure. No validation, no phases, no
// stop flag, no timestamps. Measured in the same repetition, right after the
// scenario's window, so both see the same minute of the machine. A ratio far
// from 1 says the harness, not the queue, set the figure.
//
// Why a fixed count, not a timed window read by a sleeping thread: a ring
// driven flat out at 1x1 is bimodal (it settles near full or near empty, and
// each regime has its own cost per item), and which regime it settles in
// depends on loop details that cost nothing per item. A timed-window loop
// that polled a stop flag on every item, or every 64, settled mpmc_ring,
// spsc_ring and boost_spsc at 0.70-0.80x the figure that the fixed-count loop
// and the harness's protocol both measured (and that the queue authors'
// benchmarks report), on the same minute and CPUs. The fixed-count loop has
// no poll at all, so it is the plainest loop there is.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "harness/relax.hpp"
#include "harness/thread_team.hpp"
#include "harness/topology.hpp"

namespace contend::queues {

// Moves `items` through `queue` from one producer to one consumer (pinned to
// cpus[0] and cpus[1] when given); returns the seconds from the first push to
// the last pop, and sets `items` to the number popped (fewer than pushed only
// for a queue that loses items). `priority`: messages carry random priorities like the
// scenario's (a heap of equal keys is a much cheaper queue than the one the
// scenario measures).
template <class Q, class T>
double bare_move(Q& queue, std::uint64_t& items, const std::vector<int>& cpus, bool priority) {
    alignas(kCacheLine) std::atomic<int> ready{0};
    alignas(kCacheLine) std::atomic<std::uint64_t> checksum{0};
    alignas(kCacheLine) std::atomic<bool> pushed_all{false};
    std::uint64_t moved = items;  // fewer when the queue lost some
    std::chrono::steady_clock::time_point first_push, last_pop;
    auto place = [&](std::size_t i) {
        if (i < cpus.size()) pin_current_thread(cpus[i]);
        ready.fetch_add(1, std::memory_order_acq_rel);
        while (ready.load(std::memory_order_acquire) < 2) relax::Pause::cpu();
    };
    std::thread consumer([&] {
        place(1);
        // The consumer reads what it popped: a message nobody reads lets the
        // compiler drop the copy out of the slot, and with it the cache-line
        // transfer every real consumer pays (such a loop measured spsc_ring
        // at 2.4x the rate of any loop that looks at its items).
        std::uint64_t sum = 0;
        T m{};
        for (std::uint64_t n = 0; n < items;)
            if (queue.try_pop(m)) {
                ++n;
                sum += m.sequence;
            } else if (pushed_all.load(std::memory_order_acquire) && !queue.try_pop(m)) {
                // Empty after the last push: a queue that lost items would
                // otherwise be waited for forever (it is the scenario's
                // validation, not this loop, that reports the loss).
                moved = n;
                break;
            } else {
                relax::Pause::cpu();
            }
        last_pop = std::chrono::steady_clock::now();
        checksum.store(sum, std::memory_order_relaxed);
    });
    std::thread producer([&] {
        place(0);
        std::uint64_t rng = 0x9E3779B97F4A7C15ull;
        first_push = std::chrono::steady_clock::now();
        for (std::uint64_t seq = 0; seq < items; ++seq) {
            T m{};
            m.sequence = seq;
            if (priority) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                m.priority = static_cast<std::uint32_t>(rng & 0xffff);
            }
            while (!queue.try_push(m)) relax::Pause::cpu();
        }
        pushed_all.store(true, std::memory_order_release);
    });
    producer.join();
    consumer.join();
    items = moved;
    return std::chrono::duration<double>(last_pop - first_push).count();
}

// Items per second through `Q` at 1x1, spinning on full and empty: rounds of
// growing size warm the queue up for `warmup_ns` and estimate its rate, which
// sizes one timed round of about `duration_ns`.
template <class Q, class T>
double bare_items_per_second(std::size_t capacity, const std::vector<int>& cpus,
                             std::int64_t warmup_ns, std::int64_t duration_ns, bool priority) {
    auto queue = std::make_unique<Q>(capacity);
    std::uint64_t items = 1 << 12;
    double seconds = bare_move<Q, T>(*queue, items, cpus, priority);
    for (double warm = seconds; warm < warmup_ns * 1e-9; warm += seconds) {
        if (seconds < warmup_ns * 1e-9 / 8) items *= 2;
        seconds = bare_move<Q, T>(*queue, items, cpus, priority);
    }
    const double rate = seconds > 0 ? items / seconds : 0.0;
    auto timed = static_cast<std::uint64_t>(rate * static_cast<double>(duration_ns) * 1e-9);
    if (timed == 0) return rate;
    seconds = bare_move<Q, T>(*queue, timed, cpus, priority);
    return seconds > 0 ? static_cast<double>(timed) / seconds : 0.0;
}

}  // namespace contend::queues
