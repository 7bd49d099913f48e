// Stress tests: every lock in the catalog (controls excluded) keeps mutual
// exclusion under 4 threads, and every reader-writer lock keeps writers apart
// from readers. The catalog is walked with a visitor that turns each entry
// (each relax policy, for spinning locks) into one parameterised test case,
// so a lock added to the catalog is tested without touching this file.
//
// Method: inside the critical section a thread checks that the owner marker
// is empty, sets it to itself, bumps a counter by a separate load and store
// (a lost update shows as a short count), checks it is still the owner and
// clears the marker. Marker and counter are relaxed atomics, as in the
// harness, so a broken lock gives a wrong count rather than UB. A plain
// (non-atomic) counter is bumped too: with a correct lock that is race-free,
// and under ThreadSanitizer it proves each lock's acquire/release ordering,
// which relaxed atomics would hide.
//
// Sizing: each thread does up to kIters lock/unlock pairs, stopping early
// when the case has run for kBudget; the checks compare against the work
// actually done. The budget exists for FIFO spinlocks with `pause` run
// oversubscribed (4 threads on 2 cores): the lock goes to the next waiter in
// line even when that one is descheduled, so one hand-off can cost a
// scheduler time slice, and 4 x 20000 pairs took from 4 ms to over 7 minutes
// for the same lock depending on scheduling. Everything else finishes its
// kIters well inside the budget. The worst case for the binary is a few
// budgets, well under a minute, ThreadSanitizer included.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "suites/locks/lock_catalog.hpp"

namespace contend {
namespace {

constexpr int kThreads = 4;
constexpr long kIters = 20000;
constexpr auto kBudget = std::chrono::milliseconds(1500);

using Body = std::function<void(int self, const std::atomic<bool>& stop)>;

// Starts all threads together, so they contend from the first iteration
// rather than the first finishing before the last is created, and raises
// `stop` once kBudget has passed. Returns whether it had to.
bool run_threads(int n, const Body& body) {
    std::atomic<int> ready{0};
    std::atomic<int> finished{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(n));
    for (int t = 0; t < n; ++t) {
        threads.emplace_back([&, t] {
            ready.fetch_add(1, std::memory_order_acq_rel);
            while (ready.load(std::memory_order_acquire) < n) std::this_thread::yield();
            body(t, stop);
            finished.fetch_add(1, std::memory_order_acq_rel);
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + kBudget;
    while (finished.load(std::memory_order_acquire) < n &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const bool cut_short = finished.load(std::memory_order_acquire) < n;
    stop.store(true, std::memory_order_relaxed);
    for (auto& th : threads) th.join();
    return cut_short;
}

void note_cut_short(bool cut_short, long done, long planned) {
    ::testing::Test::RecordProperty("operations", std::to_string(done));
    if (cut_short) {
        std::cout << "[   NOTE   ] time budget reached after " << done << " of " << planned
                  << " lock/unlock pairs\n";
    }
}

// What one lock's critical sections saw.
struct Guarded {
    std::atomic<int> owner{-1};
    std::atomic<long> counter{0};
    std::atomic<long> overlaps{0};
    long plain = 0;     // touched only under the lock
    int last = -1;      // previous owner, touched only under the lock
    long handoffs = 0;  // acquisitions by a thread other than the previous owner

    void enter(int self) {
        if (owner.load(std::memory_order_relaxed) != -1) {
            overlaps.fetch_add(1, std::memory_order_relaxed);
        }
        owner.store(self, std::memory_order_relaxed);
        counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        ++plain;
        if (last != self) ++handoffs;
        last = self;
        if (owner.load(std::memory_order_relaxed) != self) {
            overlaps.fetch_add(1, std::memory_order_relaxed);
        }
        owner.store(-1, std::memory_order_relaxed);
    }
};

template <class L>
void stress_exclusive() {
    auto lock = std::make_unique<L>();  // heap: some locks are 16 KiB
    Guarded g;
    std::atomic<long> done{0};
    const bool cut_short = run_threads(kThreads, [&](int self, const std::atomic<bool>& stop) {
        long i = 0;
        for (; i < kIters && !stop.load(std::memory_order_relaxed); ++i) {
            lock->lock();
            g.enter(self);
            lock->unlock();
        }
        done.fetch_add(i, std::memory_order_relaxed);
    });
    note_cut_short(cut_short, done.load(), kThreads * kIters);
    ::testing::Test::RecordProperty("handoffs", std::to_string(g.handoffs));
    EXPECT_GT(done.load(), 0);
    EXPECT_EQ(g.overlaps.load(), 0);
    EXPECT_EQ(g.counter.load(), done.load());
    EXPECT_EQ(g.plain, done.load());
}

// Two readers and two writers. Readers check no writer is inside; writers
// check no reader and no other writer is inside.
template <class L>
void stress_shared() {
    auto lock = std::make_unique<L>();
    std::atomic<int> writers_in{0};
    std::atomic<int> readers_in{0};
    std::atomic<long> violations{0};
    std::atomic<long> written{0};
    std::atomic<long> writes_done{0};
    std::atomic<long> ops_done{0};
    std::atomic<int> max_readers{0};
    long plain = 0;  // written under lock(), read under lock_shared()

    const bool cut_short = run_threads(kThreads, [&](int self, const std::atomic<bool>& stop) {
        const bool writer = self % 2 == 0;
        long seen = 0;
        long i = 0;
        for (; i < kIters && !stop.load(std::memory_order_relaxed); ++i) {
            if (writer) {
                lock->lock();
                if (writers_in.fetch_add(1, std::memory_order_relaxed) != 0 ||
                    readers_in.load(std::memory_order_relaxed) != 0) {
                    violations.fetch_add(1, std::memory_order_relaxed);
                }
                written.store(written.load(std::memory_order_relaxed) + 1,
                              std::memory_order_relaxed);
                ++plain;
                writers_in.fetch_sub(1, std::memory_order_relaxed);
                lock->unlock();
            } else {
                lock->lock_shared();
                const int r = readers_in.fetch_add(1, std::memory_order_relaxed) + 1;
                if (writers_in.load(std::memory_order_relaxed) != 0) {
                    violations.fetch_add(1, std::memory_order_relaxed);
                }
                int m = max_readers.load(std::memory_order_relaxed);
                while (r > m && !max_readers.compare_exchange_weak(m, r)) {
                }
                // Writers only increment, so what a reader sees never goes back.
                if (plain < seen) violations.fetch_add(1, std::memory_order_relaxed);
                seen = plain;
                readers_in.fetch_sub(1, std::memory_order_relaxed);
                lock->unlock_shared();
            }
        }
        if (writer) writes_done.fetch_add(i, std::memory_order_relaxed);
        ops_done.fetch_add(i, std::memory_order_relaxed);
    });
    note_cut_short(cut_short, ops_done.load(), kThreads * kIters);
    // Not asserted: readers overlapping is allowed, not promised at every
    // moment, and on 2 cores it may simply not happen.
    ::testing::Test::RecordProperty("max_concurrent_readers", max_readers.load());
    EXPECT_GT(writes_done.load(), 0);
    EXPECT_EQ(violations.load(), 0);
    EXPECT_EQ(written.load(), writes_done.load());
    EXPECT_EQ(plain, writes_done.load());
}

struct Case {
    std::string name;  // gtest-safe: [A-Za-z0-9_]
    std::function<void()> run;
};

// Without it gtest prints the parameter as raw bytes (pointers included) in
// --gtest_list_tests, which CTest's test discovery copies into test names.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.name;
}

struct CollectCases {
    std::vector<Case>* out;

    template <template <class> class L>
    void spinning(PrimitiveInfo info) {
        add<L<relax::Pause>>(info, relax::Pause::name);
        add<L<relax::Yield>>(info, relax::Yield::name);
#if defined(__aarch64__)
        add<L<relax::Wfe>>(info, relax::Wfe::name);  // the one that watches the word
#endif
    }

    template <class L>
    void plain(PrimitiveInfo info) {
        add<L>(info, nullptr);
    }

    template <class L>
    void add(const PrimitiveInfo& info, const char* relax) {
        static_assert(Lockable<L>);
        if (info.control || !promises_as<LockPromises>(info).mutual_exclusion) return;
        const std::string name = relax ? info.name + "_" + relax : info.name;
        out->push_back({name, [] { stress_exclusive<L>(); }});
        if constexpr (SharedLockable<L>) {
            out->push_back({name + "_shared", [] { stress_shared<L>(); }});
        }
    }
};

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    CollectCases visitor{&cases};
    for_each_lock(visitor);
    return cases;
}

class LockStress : public ::testing::TestWithParam<Case> {};

TEST_P(LockStress, MutualExclusion) {
    GetParam().run();
}

INSTANTIATE_TEST_SUITE_P(Catalog, LockStress, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

// The catalog must reach the stress test: a visitor that silently skipped
// entries would make the test above pass vacuously.
struct CountCases {
    std::size_t expected = 0;
    int shared = 0;

    template <template <class> class L>
    void spinning(PrimitiveInfo info) {
#if defined(__aarch64__)
        count<L<relax::Pause>>(info, 3);  // pause, yield and wfe
#else
        count<L<relax::Pause>>(info, 2);  // pause and yield
#endif
    }
    template <class L>
    void plain(PrimitiveInfo info) {
        count<L>(info, 1);
    }
    template <class L>
    void count(const PrimitiveInfo& info, std::size_t per_variant) {
        if (info.control) return;
        expected += per_variant;
        if constexpr (SharedLockable<L>) {
            expected += per_variant;
            ++shared;
        }
    }
};

TEST(LockCatalog, EveryNonControlLockIsStressed) {
    CountCases counter;
    for_each_lock(counter);
    EXPECT_EQ(all_cases().size(), counter.expected);
    EXPECT_GT(counter.shared, 0);
}

// One thread holding several queue locks at once needs one queue node per
// lock: release in both orders, then many at once (beyond the per-thread node
// pool, which falls back to the heap), with other threads contending on the
// same locks so that nodes are really linked and handed off.
template <class L>
void hold_several() {
    {
        L a, b;
        a.lock();
        b.lock();
        b.unlock();
        a.unlock();
        a.lock();
        b.lock();
        a.unlock();
        b.unlock();
    }
    {
        constexpr int kLocks = 40;
        std::vector<std::unique_ptr<L>> locks;
        for (int i = 0; i < kLocks; ++i) locks.push_back(std::make_unique<L>());
        for (int i = 0; i < kLocks; ++i) locks[i]->lock();
        for (int i = 0; i < kLocks; i += 2) locks[i]->unlock();
        for (int i = 1; i < kLocks; i += 2) locks[i]->unlock();
    }
    {
        L a, b;
        Guarded ga, gb;
        std::atomic<long> done{0};
        const bool cut_short = run_threads(kThreads, [&](int self, const std::atomic<bool>& stop) {
            long i = 0;
            for (; i < kIters / 4 && !stop.load(std::memory_order_relaxed); ++i) {
                // Always a then b, so no deadlock; release order alternates.
                a.lock();
                ga.enter(self);
                b.lock();
                gb.enter(self);
                if ((i + self) % 2 == 0) {
                    a.unlock();
                    b.unlock();
                } else {
                    b.unlock();
                    a.unlock();
                }
            }
            done.fetch_add(i, std::memory_order_relaxed);
        });
        note_cut_short(cut_short, done.load(), kThreads * (kIters / 4));
        EXPECT_GT(done.load(), 0);
        EXPECT_EQ(ga.overlaps.load() + gb.overlaps.load(), 0);
        EXPECT_EQ(ga.counter.load(), done.load());
        EXPECT_EQ(gb.counter.load(), done.load());
        EXPECT_EQ(ga.plain + gb.plain, 2 * done.load());
    }
}

TEST(QueueLocks, McsHoldSeveralPause) {
    hold_several<McsLock<relax::Pause>>();
}
TEST(QueueLocks, McsHoldSeveralYield) {
    hold_several<McsLock<relax::Yield>>();
}
TEST(QueueLocks, ClhHoldSeveralPause) {
    hold_several<ClhLock<relax::Pause>>();
}
TEST(QueueLocks, ClhHoldSeveralYield) {
    hold_several<ClhLock<relax::Yield>>();
}
TEST(QueueLocks, ArrayHoldSeveralYield) {
    hold_several<ArrayLock<relax::Yield>>();
}
TEST(QueueLocks, TbbQueuingHoldSeveral) {
    hold_several<TbbQueuingMutexLock>();
}

}  // namespace
}  // namespace contend
