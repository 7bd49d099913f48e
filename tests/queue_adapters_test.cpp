// Tests for the mutex-based queues, the peer adapters and the broken_queue
// control. Every queue of the "mutex" and "peer" families is taken from the
// catalog, so what is checked is what its catalog line declares: the
// ordering (fifo, per_producer_fifo, lifo, priority, none), bounded or not,
// blocking or not, and the shapes (the largest supported of 2x2 or 1x1 is
// stressed). Each check runs for Message<32> and Message<256>.
//
// Method:
// - Semantics, one thread: empty on construction and after draining; a long
//   push/pop sequence that wraps rings and refills stacks, compared item by
//   item with a model of the declared ordering (a priority queue must pop a
//   largest priority present); a bounded queue refuses a push when full, at
//   no fewer items than asked for and exactly capacity() where the adapter
//   reports one; an unbounded one never refuses.
// - Conservation under contention: producers push (producer, sequence) with a
//   payload pattern; consumers mark each sequence in a per-producer bitmap
//   with fetch_or, so a duplicate finds its bit set and a loss leaves one
//   clear; where FIFO is promised each consumer checks every producer's
//   sequence strictly increases. Consumers stop when all items arrived, or
//   when producers are done and nothing has come for a while (a queue that
//   loses items must fail, not hang); the main thread then drains the rest.
// - Blocking queues again through push/pop, with a small capacity so both
//   sides sleep, each consumer stopped by one poison message.
// - broken_queue must fail the conservation check.
// Under TSan, reports traced to the peer libraries' internals are suppressed
// (listed below, with their causes).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "suites/queues/queue_catalog.hpp"

#if defined(__SANITIZE_THREAD__)  // g++
#define CONTEND_TEST_TSAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(thread_sanitizer)
#define CONTEND_TEST_TSAN 1
#endif
#endif

namespace contend::queues {
namespace {

#ifdef CONTEND_TEST_TSAN
constexpr bool kTsan = true;
#else
constexpr bool kTsan = false;
#endif

// Per producer: enough for thousands of full/empty transitions at capacity
// 16, few enough that all stress tests stay within seconds on 2 cores, also
// under TSan (which slows these loops ~10x).
constexpr std::uint64_t kStressItems = kTsan ? 4'000 : 40'000;
constexpr std::size_t kStressCapacity = 16;
constexpr std::uint32_t kPoison = UINT32_MAX;
// How long consumers wait, once every item has been pushed, for one more
// before declaring the rest lost.
constexpr auto kGiveUp = std::chrono::milliseconds(300);

bool lists(const std::string& csv, const std::string& item) {
    return ("," + csv + ",").find("," + item + ",") != std::string::npos;
}

std::uint32_t priority_of(std::uint64_t seq) {
    // Scrambled and with many ties, so heaps are exercised on equal keys too.
    return static_cast<std::uint32_t>((seq * 0x9E3779B97F4A7C15ull) >> 60);
}

template <class T>
T make(std::uint32_t producer, std::uint64_t seq) {
    T m{};
    m.producer = producer;
    m.sequence = seq;
    m.priority = priority_of(seq);
    for (std::size_t k = 0; k < m.payload.size(); ++k)
        m.payload[k] = static_cast<std::byte>((seq + producer + k * 31) & 0xff);
    return m;
}

// A message copied whole: a torn copy (a slot read while being written)
// shows up as a payload that does not match its header.
template <class T>
bool intact(const T& m) {
    if (m.priority != priority_of(m.sequence)) return false;
    for (std::size_t k = 0; k < m.payload.size(); ++k)
        if (m.payload[k] != static_cast<std::byte>((m.sequence + m.producer + k * 31) & 0xff))
            return false;
    return true;
}

// ---------------------------------------------------------------------------
// Semantics, single-threaded.

template <class Q, class T>
void check_ordering_against_model(const PrimitiveInfo& info) {
    Q q(64);
    T m{};
    ASSERT_FALSE(q.try_pop(m)) << "a new queue is not empty";

    const bool fifo = promises_as<QueuePromises>(info).ordering == "fifo" ||
                      promises_as<QueuePromises>(info).ordering == "per_producer_fifo";
    std::deque<std::uint64_t> model;  // sequences present, oldest first
    std::set<std::uint64_t> present;
    std::uint64_t next = 0;
    // Occupancy moves between 0 and 48 (below every real capacity), so the
    // ring wraps many times and the stack and heap grow and shrink.
    for (int round = 0; round < 1500; ++round) {
        const int pushes = round % 7 + 1, pops = round % 5 + 1;
        for (int i = 0; i < pushes && model.size() < 48; ++i) {
            ASSERT_TRUE(q.try_push(make<T>(0, next))) << "push refused at " << model.size();
            model.push_back(next);
            present.insert(next);
            ++next;
        }
        for (int i = 0; i < pops; ++i) {
            if (model.empty()) {
                ASSERT_FALSE(q.try_pop(m)) << "popped from an empty queue";
                break;
            }
            ASSERT_TRUE(q.try_pop(m)) << "pop refused with " << model.size() << " items in";
            ASSERT_TRUE(intact(m)) << "message " << m.sequence << " corrupted";
            ASSERT_EQ(present.count(m.sequence), 1u)
                << "sequence " << m.sequence << " not in the queue";
            if (fifo) {
                ASSERT_EQ(m.sequence, model.front()) << "not FIFO";
            } else if (promises_as<QueuePromises>(info).ordering == "lifo") {
                ASSERT_EQ(m.sequence, model.back()) << "not LIFO";
            } else if (promises_as<QueuePromises>(info).ordering == "priority") {
                std::uint32_t top = 0;
                for (auto s : model) top = std::max(top, priority_of(s));
                ASSERT_EQ(m.priority, top)
                    << "popped priority " << m.priority << " while " << top << " was present";
            }
            model.erase(std::find(model.begin(), model.end(), m.sequence));
            present.erase(m.sequence);
        }
    }
    while (!model.empty()) {
        ASSERT_TRUE(q.try_pop(m));
        ASSERT_EQ(present.erase(m.sequence), 1u);
        model.erase(std::find(model.begin(), model.end(), m.sequence));
    }
    EXPECT_FALSE(q.try_pop(m)) << "not empty after popping everything pushed";
}

template <class Q, class T>
void check_bound(const PrimitiveInfo& info) {
    constexpr std::size_t kAsked = 64;
    constexpr std::size_t kLimit = 1 << 16;  // far above any rounding of 64
    Q q(kAsked);
    std::size_t accepted = 0;
    while (accepted < kLimit && q.try_push(make<T>(0, accepted))) ++accepted;
    if (!promises_as<QueuePromises>(info).bounded) {
        EXPECT_EQ(accepted, kLimit) << "declared unbounded, but refused a push";
    } else {
        ASSERT_LT(accepted, kLimit) << "declared bounded, but never full";
        EXPECT_GE(accepted, kAsked) << "holds fewer items than asked for";
        if constexpr (requires { q.capacity(); }) {
            EXPECT_EQ(accepted, q.capacity());
        }
        EXPECT_FALSE(q.try_push(make<T>(0, accepted))) << "accepted a push when full";
        T m{};
        ASSERT_TRUE(q.try_pop(m));
        EXPECT_TRUE(q.try_push(make<T>(0, accepted))) << "still full after a pop";
    }
    std::size_t drained = 0;
    for (T m{}; q.try_pop(m);) ++drained;
    EXPECT_EQ(drained, accepted);
}

template <class Q, class T>
void check_blocking_calls(const PrimitiveInfo& info) {
    if constexpr (BlockingQueue<Q, T>) {
        // Uncontended, push/pop behave like their try_ forms.
        Q q(8);
        for (std::uint64_t s = 0; s < 8; ++s) q.push(make<T>(0, s));
        for (std::uint64_t s = 0; s < 8; ++s) {
            T m{};
            q.pop(m);
            EXPECT_TRUE(intact(m));
            if (promises_as<QueuePromises>(info).ordering == "fifo" ||
                promises_as<QueuePromises>(info).ordering == "per_producer_fifo") {
                EXPECT_EQ(m.sequence, s);
            } else if (promises_as<QueuePromises>(info).ordering == "lifo") {
                EXPECT_EQ(m.sequence, 7 - s);
            }
        }
        T m{};
        EXPECT_FALSE(q.try_pop(m));
    }
}

template <class Q, class T>
void check_semantics(const PrimitiveInfo& info) {
    check_ordering_against_model<Q, T>(info);
    check_bound<Q, T>(info);
    check_blocking_calls<Q, T>(info);
}

// ---------------------------------------------------------------------------
// Conservation under contention.

class DeliveryBitmaps {
  public:
    DeliveryBitmaps(int producers, std::uint64_t items)
        : producers_(producers),
          items_(items),
          words_((items + 63) / 64),
          bits_(static_cast<std::size_t>(producers) * words_) {}

    void receive(std::uint32_t producer, std::uint64_t seq) {
        if (producer >= static_cast<std::uint32_t>(producers_) || seq >= items_) {
            unknown_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const std::uint64_t bit = std::uint64_t{1} << (seq % 64);
        if (bits_[producer * words_ + seq / 64].fetch_or(bit, std::memory_order_relaxed) & bit)
            duplicated_.fetch_add(1, std::memory_order_relaxed);
    }
    std::uint64_t missing() const {
        std::uint64_t set = 0;
        for (const auto& w : bits_) set += std::popcount(w.load(std::memory_order_relaxed));
        return static_cast<std::uint64_t>(producers_) * items_ - set;
    }
    std::uint64_t duplicated() const { return duplicated_.load(); }
    std::uint64_t unknown() const { return unknown_.load(); }

  private:
    int producers_;
    std::uint64_t items_;
    std::size_t words_;
    std::vector<std::atomic<std::uint64_t>> bits_;
    std::atomic<std::uint64_t> duplicated_{0}, unknown_{0};
};

struct StressResult {
    std::uint64_t missing = 0, duplicated = 0, unknown = 0;
    std::uint64_t order_violations = 0, corrupted = 0;
    std::uint64_t delivered = 0;  // by consumers and the final drain, duplicates included
};

std::ostream& operator<<(std::ostream& os, const StressResult& r) {
    return os << "missing " << r.missing << ", duplicated " << r.duplicated << ", unknown "
              << r.unknown << ", order violations " << r.order_violations << ", corrupted "
              << r.corrupted << ", delivered " << r.delivered;
}

// What one consumer saw: per-producer last sequence (FIFO check), counts.
template <class T>
class ConsumerView {
  public:
    ConsumerView(int producers, bool fifo) : last_(producers, UINT64_MAX), fifo_(fifo) {}
    void take(const T& m, DeliveryBitmaps& seen) {
        ++delivered_;
        if (!intact(m)) {
            ++corrupted_;
            return;
        }
        seen.receive(m.producer, m.sequence);
        if (m.producer >= last_.size()) return;
        auto& last = last_[m.producer];
        if (fifo_ && last != UINT64_MAX && m.sequence <= last) ++order_violations_;
        last = m.sequence;
    }
    void add_to(StressResult& r) const {
        r.order_violations += order_violations_;
        r.corrupted += corrupted_;
        r.delivered += delivered_;
    }

  private:
    std::vector<std::uint64_t> last_;
    bool fifo_;
    std::uint64_t order_violations_ = 0, corrupted_ = 0, delivered_ = 0;
};

// All threads start together, so the queue is contended from the first item.
class StartLine {
  public:
    explicit StartLine(int threads) : waiting_(threads) {}
    void arrive() {
        waiting_.fetch_sub(1, std::memory_order_acq_rel);
        while (waiting_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
    }

  private:
    std::atomic<int> waiting_;
};

enum class Mode { Try, Blocking };

template <class Q, class T>
StressResult stress(Q& q, int producers, int consumers, std::uint64_t items, bool fifo, Mode mode) {
    DeliveryBitmaps seen(producers, items);
    std::vector<ConsumerView<T>> views(consumers, ConsumerView<T>(producers, fifo));
    const std::uint64_t total = static_cast<std::uint64_t>(producers) * items;
    std::atomic<std::uint64_t> received{0};
    std::atomic<int> producers_left{producers};
    StartLine start(producers + consumers);

    std::vector<std::thread> producer_threads, consumer_threads;
    for (int p = 0; p < producers; ++p) {
        producer_threads.emplace_back([&, p] {
            start.arrive();
            for (std::uint64_t s = 0; s < items; ++s) {
                const T m = make<T>(static_cast<std::uint32_t>(p), s);
                if constexpr (BlockingQueue<Q, T>) {
                    if (mode == Mode::Blocking) {
                        q.push(m);
                        continue;
                    }
                }
                while (!q.try_push(m)) std::this_thread::yield();
            }
            producers_left.fetch_sub(1, std::memory_order_release);
        });
    }
    for (int c = 0; c < consumers; ++c) {
        consumer_threads.emplace_back([&, c] {
            auto& view = views[c];
            T m{};
            start.arrive();
            if constexpr (BlockingQueue<Q, T>) {
                if (mode == Mode::Blocking) {
                    for (;;) {
                        q.pop(m);
                        if (m.producer == kPoison) return;
                        view.take(m, seen);
                    }
                }
            }
            using Clock = std::chrono::steady_clock;
            Clock::time_point idle_since{};
            bool idle = false;
            while (received.load(std::memory_order_relaxed) < total) {
                if (q.try_pop(m)) {
                    view.take(m, seen);
                    received.fetch_add(1, std::memory_order_relaxed);
                    idle = false;
                    continue;
                }
                if (producers_left.load(std::memory_order_acquire) == 0) {
                    // Everything is in; a queue that stays empty now has lost items.
                    if (!idle) {
                        idle = true;
                        idle_since = Clock::now();
                    } else if (Clock::now() - idle_since > kGiveUp) {
                        return;
                    }
                }
                std::this_thread::yield();
            }
        });
    }
    for (auto& t : producer_threads) t.join();
    if constexpr (BlockingQueue<Q, T>) {
        if (mode == Mode::Blocking) {
            T poison{};
            poison.producer = kPoison;
            for (int c = 0; c < consumers; ++c) q.push(poison);
        }
    }
    for (auto& t : consumer_threads) t.join();

    // Whatever the consumers left (only a broken queue should leave any).
    ConsumerView<T> drain(producers, false);
    for (T m{}; q.try_pop(m);) drain.take(m, seen);

    StressResult r;
    for (const auto& v : views) v.add_to(r);
    drain.add_to(r);
    r.missing = seen.missing();
    r.duplicated = seen.duplicated();
    r.unknown = seen.unknown();
    return r;
}

// The largest shape the queue declares, up to 2 producers x 2 consumers.
struct Shape {
    int producers, consumers;
};
Shape largest_shape(const PrimitiveInfo& info) {
    if (lists(promises_as<QueuePromises>(info).shapes, "mpmc")) return {2, 2};
    if (lists(promises_as<QueuePromises>(info).shapes, "mpsc")) return {2, 1};
    if (lists(promises_as<QueuePromises>(info).shapes, "spmc")) return {1, 2};
    return {1, 1};
}

template <class Q, class T>
void check_stress(const PrimitiveInfo& info, Mode mode) {
    const Shape shape = largest_shape(info);
    const bool fifo = promises_as<QueuePromises>(info).ordering == "fifo" ||
                      promises_as<QueuePromises>(info).ordering == "per_producer_fifo";
    Q q(kStressCapacity);
    const StressResult r =
        stress<Q, T>(q, shape.producers, shape.consumers, kStressItems, fifo, mode);
    SCOPED_TRACE(std::to_string(shape.producers) + "x" + std::to_string(shape.consumers) +
                 (mode == Mode::Blocking ? " push/pop" : " try_push/try_pop"));
    EXPECT_EQ(r.missing, 0u) << r;
    EXPECT_EQ(r.duplicated, 0u) << r;
    EXPECT_EQ(r.unknown, 0u) << r;
    EXPECT_EQ(r.corrupted, 0u) << r;
    EXPECT_EQ(r.delivered, static_cast<std::uint64_t>(shape.producers) * kStressItems) << r;
    if (fifo) {
        EXPECT_EQ(r.order_violations, 0u) << r;
    }
}

template <class Q, class T>
void check_try_stress(const PrimitiveInfo& info) {
    check_stress<Q, T>(info, Mode::Try);
}

template <class Q, class T>
void check_blocking_stress(const PrimitiveInfo& info) {
    if constexpr (BlockingQueue<Q, T>) check_stress<Q, T>(info, Mode::Blocking);
}

// ---------------------------------------------------------------------------
// The queues under test, from the catalog.

using Check = void (*)(const PrimitiveInfo&);

struct Entry {
    PrimitiveInfo info;
    bool has_push_pop;                                      // satisfies BlockingQueue
    Check semantics[2], try_stress[2], blocking_stress[2];  // [0]: Message<32>, [1]: Message<256>
};

struct Collector {
    std::vector<Entry> entries;

    template <template <class> class Q>
    void queue(PrimitiveInfo info) {
        if (info.family != "mutex" && info.family != "peer") return;
        using S = Message<32>;
        using L = Message<256>;
        entries.push_back({info,
                           BlockingQueue<Q<S>, S>,
                           {&check_semantics<Q<S>, S>, &check_semantics<Q<L>, L>},
                           {&check_try_stress<Q<S>, S>, &check_try_stress<Q<L>, L>},
                           {&check_blocking_stress<Q<S>, S>, &check_blocking_stress<Q<L>, L>}});
    }
};

const std::vector<Entry>& entries() {
    static const std::vector<Entry> all = [] {
        Collector c;
        for_each_queue(c);
        return c.entries;
    }();
    return all;
}

TEST(QueueCatalog, ListsEveryMutexAndPeerQueue) {
    std::set<std::string> names;
    for (const auto& e : entries()) names.insert(e.info.name);
    std::set<std::string> expected = {"mutex_fifo",        "mutex_lifo",          "mutex_priority",
                                      "moodycamel",        "moodycamel_blocking", "moodycamel_rwq",
                                      "atomic_queue",      "atomic_queue_spsc",   "boost_queue",
                                      "boost_spsc",        "boost_stack",         "tbb_queue",
                                      "tbb_bounded_queue", "tbb_priority_queue"};
#ifdef CONTEND_HAVE_XENIUM
    expected.insert("xenium_ms_queue");  // not on AArch64 (xenium_ms_queue.hpp)
#endif
    EXPECT_EQ(names, expected);
}

class QueueAdapter : public ::testing::TestWithParam<std::size_t> {
  protected:
    const Entry& entry() const { return entries()[GetParam()]; }
};

TEST_P(QueueAdapter, DeclaredBlockingMatchesPushPop) {
    EXPECT_EQ(entry().info.blocking, entry().has_push_pop);
}

TEST_P(QueueAdapter, Semantics32) {
    entry().semantics[0](entry().info);
}
TEST_P(QueueAdapter, Semantics256) {
    entry().semantics[1](entry().info);
}
TEST_P(QueueAdapter, Conservation32) {
    entry().try_stress[0](entry().info);
}
TEST_P(QueueAdapter, Conservation256) {
    entry().try_stress[1](entry().info);
}

INSTANTIATE_TEST_SUITE_P(Catalog, QueueAdapter, ::testing::Range<std::size_t>(0, entries().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                             return entries()[p.param].info.name;
                         });

// The same, through blocking push/pop, for the queues that have them.
std::vector<std::size_t> blocking_entries() {
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < entries().size(); ++i)
        if (entries()[i].has_push_pop) indices.push_back(i);
    return indices;
}

class BlockingQueueAdapter : public QueueAdapter {};

TEST_P(BlockingQueueAdapter, Conservation32) {
    entry().blocking_stress[0](entry().info);
}
TEST_P(BlockingQueueAdapter, Conservation256) {
    entry().blocking_stress[1](entry().info);
}

INSTANTIATE_TEST_SUITE_P(Catalog, BlockingQueueAdapter, ::testing::ValuesIn(blocking_entries()),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                             return entries()[p.param].info.name;
                         });

// ---------------------------------------------------------------------------
// The control: validation must catch it.

template <class T>
void check_broken_queue_is_caught() {
    // 1x1, 30,000 items: every 10,007th push is dropped and every 10,009th
    // pop duplicated, so exactly two of each, whatever the timing.
    constexpr std::uint64_t kItems = 30'000;
    BrokenQueue<T> q(kStressCapacity);
    const StressResult r = stress<BrokenQueue<T>, T>(q, 1, 1, kItems, true, Mode::Try);
    EXPECT_EQ(r.missing, 2u) << r;
    EXPECT_EQ(r.duplicated, 2u) << r;
    EXPECT_GT(r.order_violations, 0u) << r;
    // The losses and duplicates pair up: a count-only check would see every
    // item delivered. Only the per-sequence check tells.
    EXPECT_EQ(r.delivered, kItems) << r;
}

TEST(BrokenQueue, FailsConservation32) {
    check_broken_queue_is_caught<Message<32>>();
}
TEST(BrokenQueue, FailsConservation256) {
    check_broken_queue_is_caught<Message<256>>();
}

struct FindBrokenQueue {
    PrimitiveInfo found;
    template <template <class> class Q>
    void queue(PrimitiveInfo info) {
        if (info.name == "broken_queue") found = info;
    }
};

TEST(BrokenQueue, IsAControlInTheCatalog) {
    FindBrokenQueue find;
    for_each_queue(find);
    EXPECT_EQ(find.found.family, "control");
    EXPECT_TRUE(find.found.control);
    EXPECT_FALSE(find.found.blocking);
}

}  // namespace
}  // namespace contend::queues
