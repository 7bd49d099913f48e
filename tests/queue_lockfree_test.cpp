// Tests of the queues written here (spsc_ring, mpmc_ring, ms_queue,
// treiber_stack) and of the hazard pointers under the last two.
//
// Method:
// - Single-threaded semantics per queue and message size: FIFO or LIFO order,
//   try_pop on empty, try_push on full and capacity rounding for the bounded
//   rings, many laps of a small ring, unconsumed items freed by the destructor.
// - Stress, for the shapes each queue supports (1x1; 2x2 and 4x4 for the
//   multi-producer ones; 4x4 runs oversubscribed on 2 cores on purpose):
//   producers push (producer, sequence 0..N-1) with try_push in a retry loop,
//   consumers try_pop until all items are counted. Checked: every item
//   delivered exactly once (per-consumer, per-producer bitmaps, summed), the
//   queue empty at the end, each message intact (a checksum in the header and
//   a pattern at both ends and the middle of the payload: a slot read before
//   it was fully written shows up), and, for FIFO queues, each consumer sees
//   each producer's sequence strictly increasing. The stack: conservation only.
//   A deadline turns a lost item into a failure instead of a hang.
// - Reclamation: hazard pointers keep a published node alive across scans and
//   free it once unpublished; ms_queue and treiber_stack free nodes while they
//   run (freed count during the run, pending count bounded by the scan
//   threshold). A scheme that frees only in the destructor fails these.
//
// Sizing: 50k items per producer (25k under a sanitizer; 4x that in the
// reclamation runs): under a second plain, a few seconds under
// ThreadSanitizer or ASan, on 2 shared cores.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "suites/queues/message.hpp"
#include "suites/queues/primitives/hazard_pointers.hpp"
#include "suites/queues/primitives/mpmc_ring.hpp"
#include "suites/queues/primitives/ms_queue.hpp"
#include "suites/queues/primitives/spsc_ring.hpp"
#include "suites/queues/primitives/treiber_stack.hpp"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define CONTEND_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define CONTEND_TEST_SANITIZED 1
#endif
#endif

namespace contend::queues {
namespace {

#ifdef CONTEND_TEST_SANITIZED
constexpr std::uint64_t kPerProducer = 25000;  // about 3 s under TSan instead of 6
#else
constexpr std::uint64_t kPerProducer = 50000;
#endif
constexpr std::size_t kStressCapacity = 128;          // small: the rings fill and wrap often
constexpr auto kDeadline = std::chrono::seconds(20);  // a lost item fails, not hangs

// ---------------------------------------------------------------- messages

std::uint64_t checksum(std::uint32_t producer, std::uint64_t sequence) {
    return (sequence * 0x9E3779B97F4A7C15ull) ^ (std::uint64_t{producer} << 40) ^ 0x5bd1e995u;
}

std::byte pattern(std::uint32_t producer, std::uint64_t sequence) {
    return static_cast<std::byte>((producer * 131u + sequence * 7u + 1u) & 0xffu);
}

template <class Msg>
Msg make_message(std::uint32_t producer, std::uint64_t sequence) {
    Msg m;
    m.producer = producer;
    m.sequence = sequence;
    m.sent_ticks = checksum(producer, sequence);
    const std::byte b = pattern(producer, sequence);
    m.payload.front() = b;
    m.payload[m.payload.size() / 2] = b;
    m.payload.back() = b;
    return m;
}

template <class Msg>
bool intact(const Msg& m) {
    const std::byte b = pattern(m.producer, m.sequence);
    return m.sent_ticks == checksum(m.producer, m.sequence) && m.payload.front() == b &&
           m.payload[m.payload.size() / 2] == b && m.payload.back() == b;
}

// ---------------------------------------------------------------- cases

template <template <class> class Q>
struct Traits;
template <>
struct Traits<SpscRing> {
    static constexpr const char* kName = "spsc_ring";
    static constexpr bool kBounded = true, kFifo = true, kMulti = false;
};
template <>
struct Traits<MpmcRing> {
    static constexpr const char* kName = "mpmc_ring";
    static constexpr bool kBounded = true, kFifo = true, kMulti = true;
};
template <>
struct Traits<MsQueue> {
    static constexpr const char* kName = "ms_queue";
    static constexpr bool kBounded = false, kFifo = true, kMulti = true;
};
template <>
struct Traits<TreiberStack> {
    static constexpr const char* kName = "treiber_stack";
    static constexpr bool kBounded = false, kFifo = false, kMulti = true;
};

template <template <class> class Q, std::size_t Bytes>
struct Case : Traits<Q> {
    using Msg = Message<Bytes>;
    using Queue = Q<Msg>;
    static std::string name() {
        return std::string(Traits<Q>::kName) + "_" + std::to_string(Bytes);
    }
};

using Cases = ::testing::Types<Case<SpscRing, 32>, Case<SpscRing, 256>, Case<MpmcRing, 32>,
                               Case<MpmcRing, 256>, Case<MsQueue, 32>, Case<MsQueue, 256>,
                               Case<TreiberStack, 32>, Case<TreiberStack, 256>>;
// The queues that take several producers and consumers, and the bounded
// ones: tests that apply only to them are instantiated only for them.
using MultiCases =
    ::testing::Types<Case<MpmcRing, 32>, Case<MpmcRing, 256>, Case<MsQueue, 32>, Case<MsQueue, 256>,
                     Case<TreiberStack, 32>, Case<TreiberStack, 256>>;
using BoundedCases = ::testing::Types<Case<SpscRing, 32>, Case<SpscRing, 256>, Case<MpmcRing, 32>,
                                      Case<MpmcRing, 256>>;

struct CaseName {
    template <class C>
    static std::string GetName(int) {
        return C::name();
    }
};

template <class C>
class LockFreeQueue : public ::testing::Test {};
TYPED_TEST_SUITE(LockFreeQueue, Cases, CaseName);

// ---------------------------------------------------------------- single-threaded

TYPED_TEST(LockFreeQueue, EmptyPopFails) {
    using C = TypeParam;
    typename C::Queue q(8);
    typename C::Msg m;
    EXPECT_FALSE(q.try_pop(m));
    ASSERT_TRUE(q.try_push(make_message<typename C::Msg>(1, 0)));
    ASSERT_TRUE(q.try_pop(m));
    EXPECT_FALSE(q.try_pop(m)) << "drained queue must report empty";
}

TYPED_TEST(LockFreeQueue, OrderSingleThreaded) {
    using C = TypeParam;
    using Msg = typename C::Msg;
    constexpr std::uint64_t n = 64;
    typename C::Queue q(n);
    for (std::uint64_t i = 0; i < n; ++i) ASSERT_TRUE(q.try_push(make_message<Msg>(3, i)));
    for (std::uint64_t i = 0; i < n; ++i) {
        Msg m;
        ASSERT_TRUE(q.try_pop(m)) << "item " << i;
        ASSERT_TRUE(intact(m));
        const std::uint64_t expected = C::kFifo ? i : n - 1 - i;
        ASSERT_EQ(m.sequence, expected) << (C::kFifo ? "FIFO" : "LIFO") << " order broken";
    }
    Msg m;
    EXPECT_FALSE(q.try_pop(m));
}

TYPED_TEST(LockFreeQueue, InterleavedOrderOverManyLaps) {
    using C = TypeParam;
    using Msg = typename C::Msg;
    typename C::Queue q(4);
    // Keep 0..3 items in flight over 100 laps of a 4-slot ring.
    std::uint64_t pushed = 0;
    std::uint64_t popped = 0;
    for (int round = 0; round < 400; ++round) {
        const int burst = round % 4;
        for (int i = 0; i < burst; ++i) ASSERT_TRUE(q.try_push(make_message<Msg>(0, pushed++)));
        for (int i = 0; i < burst; ++i) {
            Msg m;
            ASSERT_TRUE(q.try_pop(m));
            ASSERT_TRUE(intact(m));
            if (C::kFifo) {
                ASSERT_EQ(m.sequence, popped);
            } else {
                ASSERT_EQ(m.sequence, pushed - 1 - static_cast<std::uint64_t>(i));
            }
            ++popped;
        }
    }
    Msg m;
    EXPECT_FALSE(q.try_pop(m));
}

TYPED_TEST(LockFreeQueue, FullPushFailsOrUnbounded) {
    using C = TypeParam;
    using Msg = typename C::Msg;
    typename C::Queue q(16);
    if constexpr (C::kBounded) {
        ASSERT_EQ(q.capacity(), 16u);
        for (std::uint64_t i = 0; i < 16; ++i) ASSERT_TRUE(q.try_push(make_message<Msg>(0, i)));
        EXPECT_FALSE(q.try_push(make_message<Msg>(0, 16))) << "push on a full ring";
        Msg m;
        ASSERT_TRUE(q.try_pop(m));
        EXPECT_EQ(m.sequence, 0u);
        EXPECT_TRUE(q.try_push(make_message<Msg>(0, 16))) << "one slot was freed";
        EXPECT_FALSE(q.try_push(make_message<Msg>(0, 17)));
    } else {
        // The capacity argument is ignored: far more than 16 fit.
        for (std::uint64_t i = 0; i < 10000; ++i) ASSERT_TRUE(q.try_push(make_message<Msg>(0, i)));
        std::uint64_t count = 0;
        Msg m;
        while (q.try_pop(m)) ++count;
        EXPECT_EQ(count, 10000u);
    }
}

template <class C>
class BoundedLockFreeQueue : public ::testing::Test {};
TYPED_TEST_SUITE(BoundedLockFreeQueue, BoundedCases, CaseName);

TYPED_TEST(BoundedLockFreeQueue, CapacityRounding) {
    using C = TypeParam;
    using Q = typename C::Queue;
    EXPECT_EQ(Q(5).capacity(), 8u);
    EXPECT_EQ(Q(8).capacity(), 8u);
    EXPECT_EQ(Q(9).capacity(), 16u);
    EXPECT_EQ(Q(1000).capacity(), 1024u);
    EXPECT_THROW(Q(0), std::invalid_argument);
    // Rounded capacity is really usable, no more.
    Q q(5);
    std::uint64_t n = 0;
    while (q.try_push(make_message<typename C::Msg>(0, n))) ++n;
    EXPECT_EQ(n, 8u);
}

TYPED_TEST(LockFreeQueue, DestructorFreesUnconsumedItems) {
    // Leaks show under LeakSanitizer (the ASan build); elsewhere this only
    // checks that destruction with items inside does not crash.
    using C = TypeParam;
    typename C::Queue q(256);
    for (std::uint64_t i = 0; i < 200; ++i)
        ASSERT_TRUE(q.try_push(make_message<typename C::Msg>(0, i)));
    typename C::Msg m;
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(q.try_pop(m));
}

TEST(LockFreeQueueCapacity, SmallestRings) {
    EXPECT_EQ(SpscRing<Message<32>>(1).capacity(), 1u);
    // Vyukov's ring needs two slots to tell a full slot from a free one.
    EXPECT_EQ(MpmcRing<Message<32>>(1).capacity(), 2u);
    SpscRing<Message<32>> one(1);
    Message<32> m;
    EXPECT_TRUE(one.try_push(make_message<Message<32>>(0, 0)));
    EXPECT_FALSE(one.try_push(make_message<Message<32>>(0, 1)));
    EXPECT_TRUE(one.try_pop(m));
    EXPECT_FALSE(one.try_pop(m));
}

// ---------------------------------------------------------------- stress

struct ConsumerLog {
    std::vector<std::vector<std::uint8_t>> seen;  // [producer][sequence], saturating count
    std::vector<std::int64_t> last;               // last sequence seen per producer
    std::uint64_t order_errors = 0;
    std::uint64_t corrupt = 0;
    std::string first_error;
};

template <class C>
void stress(int producers, int consumers) {
    using Msg = typename C::Msg;
    typename C::Queue q(kStressCapacity);
    const std::uint64_t total = static_cast<std::uint64_t>(producers) * kPerProducer;
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    std::atomic<std::uint64_t> consumed{0};
    std::atomic<bool> timed_out{false};
    std::atomic<int> ready{0};
    std::vector<ConsumerLog> logs(static_cast<std::size_t>(consumers));

    auto start_together = [&] {
        ready.fetch_add(1);
        while (ready.load() < producers + consumers) std::this_thread::yield();
    };
    auto expired = [&](std::uint64_t& failures) {
        if ((++failures & 1023u) != 0) return false;
        if (std::chrono::steady_clock::now() < deadline) return false;
        timed_out.store(true);
        return true;
    };

    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            start_together();
            std::uint64_t failures = 0;
            for (std::uint64_t s = 0; s < kPerProducer; ++s) {
                const Msg m = make_message<Msg>(static_cast<std::uint32_t>(p), s);
                while (!q.try_push(m)) {
                    if (timed_out.load() || expired(failures)) return;
                    std::this_thread::yield();
                }
            }
        });
    }
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&, c] {
            ConsumerLog& log = logs[static_cast<std::size_t>(c)];
            log.seen.assign(static_cast<std::size_t>(producers),
                            std::vector<std::uint8_t>(kPerProducer, 0));
            log.last.assign(static_cast<std::size_t>(producers), -1);
            start_together();
            std::uint64_t failures = 0;
            Msg m;
            while (consumed.load(std::memory_order_relaxed) < total) {
                if (!q.try_pop(m)) {
                    if (timed_out.load() || expired(failures)) return;
                    std::this_thread::yield();
                    continue;
                }
                consumed.fetch_add(1, std::memory_order_relaxed);
                if (m.producer >= static_cast<std::uint32_t>(producers) ||
                    m.sequence >= kPerProducer || !intact(m)) {
                    if (log.corrupt++ == 0) {
                        log.first_error = "corrupt message: producer " +
                                          std::to_string(m.producer) + " sequence " +
                                          std::to_string(m.sequence);
                    }
                    continue;
                }
                std::uint8_t& count = log.seen[m.producer][m.sequence];
                if (count < 255) ++count;
                const auto seq = static_cast<std::int64_t>(m.sequence);
                if (C::kFifo && seq <= log.last[m.producer] && log.order_errors++ == 0) {
                    log.first_error = "consumer " + std::to_string(c) + " got producer " +
                                      std::to_string(m.producer) + " sequence " +
                                      std::to_string(seq) + " after " +
                                      std::to_string(log.last[m.producer]);
                }
                log.last[m.producer] = std::max(log.last[m.producer], seq);
            }
        });
    }
    for (auto& t : threads) t.join();

    ASSERT_FALSE(timed_out.load()) << "no progress within the deadline: " << consumed.load()
                                   << " of " << total << " items consumed";
    for (const ConsumerLog& log : logs) {
        EXPECT_EQ(log.corrupt, 0u) << log.first_error;
        EXPECT_EQ(log.order_errors, 0u) << log.first_error;
    }
    std::uint64_t missing = 0;
    std::uint64_t duplicated = 0;
    std::ostringstream examples;
    for (std::size_t p = 0; p < static_cast<std::size_t>(producers); ++p) {
        for (std::size_t s = 0; s < kPerProducer; ++s) {
            unsigned n = 0;
            for (const ConsumerLog& log : logs) n += log.seen[p][s];
            if (n == 1) continue;
            if (missing + duplicated < 5) examples << " (" << p << "," << s << ")x" << n;
            (n == 0 ? missing : duplicated) += 1;
        }
    }
    EXPECT_EQ(missing, 0u) << "items lost, e.g." << examples.str();
    EXPECT_EQ(duplicated, 0u) << "items delivered more than once, e.g." << examples.str();
    Msg extra;
    EXPECT_FALSE(q.try_pop(extra)) << "an item is left after all were consumed (duplicate)";
}

template <class C>
class LockFreeQueueStress : public ::testing::Test {};
TYPED_TEST_SUITE(LockFreeQueueStress, Cases, CaseName);

TYPED_TEST(LockFreeQueueStress, OneByOne) {
    stress<TypeParam>(1, 1);
}

template <class C>
class MultiLockFreeQueueStress : public ::testing::Test {};
TYPED_TEST_SUITE(MultiLockFreeQueueStress, MultiCases, CaseName);

TYPED_TEST(MultiLockFreeQueueStress, TwoByTwo) {
    stress<TypeParam>(2, 2);
}

TYPED_TEST(MultiLockFreeQueueStress, FourByFour) {
    stress<TypeParam>(4, 4);
}

// ---------------------------------------------------------------- reclamation

struct Tracked {
    std::atomic<bool>* destroyed = nullptr;
    ~Tracked() {
        if (destroyed != nullptr) destroyed->store(true);
    }
};

TEST(HazardPointers, PublishedNodeSurvivesScansAndIsFreedAfter) {
    using Domain = HazardDomain<Tracked, 1>;
    std::atomic<bool> destroyed{false};  // outlives the domain, which may free the node last
    Domain domain;
    auto* node = new Tracked;
    node->destroyed = &destroyed;
    std::atomic<Tracked*> source{node};
    std::atomic<int> step{0};

    std::thread holder([&] {
        Domain::Guard guard(domain);
        EXPECT_EQ(guard.protect(0, source), node);
        step.store(1);
        while (step.load() != 2) std::this_thread::yield();
        EXPECT_FALSE(destroyed.load()) << "freed while published";
    });  // the guard clears the hazard on the way out
    while (step.load() != 1) std::this_thread::yield();

    Domain::Guard guard(domain);
    source.store(nullptr);  // unlink, then retire: the order the domain expects
    guard.retire(node);
    // Enough retires to force at least one scan with the node still published.
    const std::size_t fill = Domain::retire_threshold() + 1;
    for (std::size_t i = 0; i < fill; ++i) guard.retire(new Tracked);
    EXPECT_GT(domain.stats().freed, 0u) << "a scan should have freed the unpublished nodes";
    EXPECT_FALSE(destroyed.load()) << "a scan freed a node another thread had published";

    step.store(2);
    holder.join();
    for (std::size_t i = 0; i < fill; ++i) guard.retire(new Tracked);
    EXPECT_TRUE(destroyed.load()) << "unpublished node not freed by later scans";
}

TEST(HazardPointers, ThreadIdsAreReused) {
    // Ids return to the pool when a thread exits: sequential threads must not
    // exhaust 256 ids.
    for (int i = 0; i < 600; ++i) {
        std::thread([] { (void)hazard_detail::current_thread_id(); }).join();
    }
    EXPECT_LE(hazard_detail::id_high_water.load(), 64u);
}

// Runs `consumers` x `producers` through an unbounded hazard-pointer queue and
// samples the retired-but-unfreed count while it runs. Each consumer thread
// retires one node per pop and scans when its list reaches the threshold, so
// at most `consumers` x threshold nodes may wait at any moment, and all but
// those must have been freed by the end — before the destructor runs.
template <class Q>
void check_reclaims_while_running(int producers, int consumers) {
    using Msg = Message<32>;
    Q q(0);
    const std::uint64_t per_producer = 4 * kPerProducer;
    const std::uint64_t total = per_producer * static_cast<std::uint64_t>(producers);
    std::atomic<std::uint64_t> consumed{0};
    std::atomic<std::size_t> max_pending{0};
    std::atomic<std::uint64_t> freed_midway{0};
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (std::uint64_t s = 0; s < per_producer; ++s) {
                while (!q.try_push(make_message<Msg>(static_cast<std::uint32_t>(p), s))) {
                }
            }
        });
    }
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&] {
            Msg m;
            std::uint64_t mine = 0;
            while (consumed.load(std::memory_order_relaxed) < total) {
                if (!q.try_pop(m)) {
                    // A lost item shows as the conservation failure below.
                    if (std::chrono::steady_clock::now() > deadline) return;
                    std::this_thread::yield();
                    continue;
                }
                const std::uint64_t done = consumed.fetch_add(1, std::memory_order_relaxed) + 1;
                if ((++mine & 255u) == 0) {
                    const auto stats = q.reclamation_stats();
                    std::size_t seen = max_pending.load();
                    while (stats.pending > seen &&
                           !max_pending.compare_exchange_weak(seen, stats.pending)) {
                    }
                    if (done <= total / 2) {
                        std::uint64_t f = freed_midway.load();
                        while (stats.freed > f &&
                               !freed_midway.compare_exchange_weak(f, stats.freed)) {
                        }
                    }
                }
            }
        });
    }
    for (auto& t : threads) t.join();

    const auto stats = q.reclamation_stats();
    // The threshold only grows with the thread count, so today's bounds every
    // earlier one.
    const std::size_t bound = static_cast<std::size_t>(consumers) * Q::retire_threshold();
    EXPECT_EQ(stats.freed + stats.pending, total) << "every pop retires exactly one node";
    EXPECT_GT(freed_midway.load(), 0u) << "nothing freed in the first half of the run";
    EXPECT_LE(max_pending.load(), bound) << "retired nodes pile up instead of being freed";
    EXPECT_LE(stats.pending, bound);
    EXPECT_GE(stats.freed, total - bound);
}

TEST(MsQueueReclamation, FreesNodesWhileRunning1x1) {
    check_reclaims_while_running<MsQueue<Message<32>>>(1, 1);
}
TEST(MsQueueReclamation, FreesNodesWhileRunning2x2) {
    check_reclaims_while_running<MsQueue<Message<32>>>(2, 2);
}
TEST(TreiberStackReclamation, FreesNodesWhileRunning2x2) {
    check_reclaims_while_running<TreiberStack<Message<32>>>(2, 2);
}

}  // namespace
}  // namespace contend::queues
