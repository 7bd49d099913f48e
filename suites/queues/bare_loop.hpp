#pragma once
// The reference a queue's 1x1 figure is held against (`harness_over_bare`):
// the same queue type, capacity, message and pinning, driven by the plainest
// loop that moves items — a producer pushing sequence numbers as fast as the
// queue takes them, a consumer popping and counting; no validation, no phases,
// no timestamps. Measured in the same repetition, right after the scenario's
// window, so both see the same minute of the machine. A ratio far from 1 says
// the harness, not the queue, set the figure; and since a ring behaves very
// differently full and empty, a harness that slows one side can even invert
// rankings (seen before the measurement protocol: 0.17x for boost_spsc, 2.0x
// for moodycamel_rwq).
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "harness/thread_team.hpp"
#include "harness/topology.hpp"
#include "suites/locks/relax.hpp"

namespace contend::queues {

// Items per second through `Q` at 1 producer x 1 consumer, spinning on full
// and empty, over `duration_ns` after a `warmup_ns` warm-up. `cpus`: the
// producer's and the consumer's CPU (empty: unpinned). `priority`: messages
// carry the scenario's random priorities (a heap of equal keys is a much
// cheaper queue than the one the scenario measures).
template <class Q, class T>
double bare_items_per_second(std::size_t capacity, const std::vector<int>& cpus,
                             std::int64_t warmup_ns, std::int64_t duration_ns, bool priority) {
    constexpr int kBurst = 64;  // items between two looks at the stop flag
    auto queue = std::make_unique<Q>(capacity);
    alignas(kCacheLine) std::atomic<bool> go{false};
    alignas(kCacheLine) std::atomic<bool> stop{false};
    alignas(kCacheLine) std::atomic<std::uint64_t> popped{0};
    auto place = [&](std::size_t i) {
        if (i < cpus.size()) pin_current_thread(cpus[i]);
        while (!go.load(std::memory_order_acquire)) relax::Pause::cpu();
    };
    std::thread producer([&] {
        place(0);
        std::uint64_t seq = 0, rng = 0x9E3779B97F4A7C15ull;
        while (!stop.load(std::memory_order_relaxed))
            for (int i = 0; i < kBurst; ++i) {
                T m{};
                m.sequence = seq;
                if (priority) {
                    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                    m.priority = static_cast<std::uint32_t>(rng & 0xffff);
                }
                while (!queue->try_push(m)) {
                    if (stop.load(std::memory_order_relaxed)) return;
                    relax::Pause::cpu();
                }
                ++seq;
            }
    });
    // The consumer reads what it popped (a sum of the sequence numbers):
    // a message nobody reads lets the compiler drop the copy out of the
    // slot, and with it the cache-line transfer every real consumer pays
    // (such a "bare" loop measured spsc_ring at 2.4x the rate of any loop
    // that looks at its items).
    alignas(kCacheLine) std::atomic<std::uint64_t> checksum{0};
    std::thread consumer([&] {
        place(1);
        std::uint64_t n = 0, sum = 0;
        T m{};
        while (!stop.load(std::memory_order_relaxed)) {
            for (int i = 0; i < kBurst; ++i)
                if (queue->try_pop(m)) {
                    ++n;
                    sum += m.sequence;
                } else {
                    relax::Pause::cpu();
                }
            popped.store(n, std::memory_order_relaxed);
        }
        checksum.store(sum, std::memory_order_relaxed);
    });
    go.store(true, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::nanoseconds(warmup_ns));
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t n0 = popped.load(std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::nanoseconds(duration_ns));
    const auto t1 = std::chrono::steady_clock::now();
    const std::uint64_t n1 = popped.load(std::memory_order_relaxed);
    stop.store(true, std::memory_order_relaxed);
    producer.join();
    consumer.join();
    const double s = std::chrono::duration<double>(t1 - t0).count();
    return s > 0 ? static_cast<double>(n1 - n0) / s : 0.0;
}

}  // namespace contend::queues
