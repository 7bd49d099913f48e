#pragma once
// The dining philosophers' table (Dijkstra 1965; Hoare 1985): n seats, one
// fork between each pair of neighbours, fork i on seat i's left and fork
// (i+1) % n on its right. A fork is a std::mutex, so a philosopher waiting
// for one sleeps in the kernel: a deadlock here is the real thing, threads
// blocked forever, not a spin loop that a flag could break.
//
// Beside each mutex sits its holder word, written by the holder right after
// it locks and cleared right before it unlocks. It does two jobs: a
// philosopher that finds a fork already marked as held has proof that
// exclusion broke, and the coordinator reads the holders (plus what every
// seat says it is blocked on) to build the wait-for graph of
// deadlock_wait_for.hpp when nobody has eaten for a while.
//
// Publication is relaxed on the philosopher's side and acquire on the
// coordinator's: a seat's "blocked on" word is the last thing it writes
// before it calls lock(), so once it is blocked for good the coordinator's
// view of it is final, and the view is taken twice to rule out a torn read
// while things still moved.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "harness/thread_team.hpp"
#include "harness/unguarded_increment.hpp"
#include "suites/problems/deadlock_wait_for.hpp"

namespace contend::deadlock {

struct alignas(kCacheLine) Fork {
    std::mutex mutex;
    std::atomic<int> holder{kNobody};
    // Bumped by a separate load and store at every meal that used the fork:
    // with exclusion intact it ends at the number of those meals, while two
    // philosophers inside at once lose updates.
    std::atomic<std::uint64_t> uses{0};
};

// What one philosopher publishes, on its own line, written by that
// philosopher only and read by the coordinator while the table runs.
struct alignas(kCacheLine) Seat {
    std::atomic<int> blocked{static_cast<int>(Blocked::Nothing)};
    std::atomic<int> blocked_fork{kNobody};
    std::atomic<std::uint64_t> meals{0};     // every meal, warm-up included: the progress signal
    std::atomic<std::uint64_t> measured{0};  // meals counted in the window
    std::atomic<std::uint64_t> longest_wait_ticks{0};
    std::atomic<std::uint64_t> violations{0};
    std::atomic<std::uint64_t> failed_tries{0};  // try_lock of the second fork that failed

    // Single writer: a load and a store, no read-modify-write on the hot path.
    static void bump(std::atomic<std::uint64_t>& x, std::uint64_t by = 1) {
        x.store(x.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }
};

class Table {
  public:
    explicit Table(int seats) : forks_(seats), seats_(seats) {}
    Table(const Table&) = delete;
    Table& operator=(const Table&) = delete;

    int seats() const { return static_cast<int>(seats_.size()); }
    int left(int p) const { return p; }
    int right(int p) const { return (p + 1) % seats(); }
    Fork& fork(int f) { return forks_[f]; }
    Seat& seat(int p) { return seats_[p]; }

    // Blocks until fork f is ours, saying so first.
    void take(int me, int f) {
        block(me, Blocked::Fork, f);
        forks_[f].mutex.lock();
        unblock(me);
        claim(me, f);
    }
    bool try_take(int me, int f) {
        if (!forks_[f].mutex.try_lock()) return false;
        claim(me, f);
        return true;
    }
    void put(int me, int f) {
        unclaim(me, f);
        forks_[f].mutex.unlock();
    }

    // The holder word alone, for a mutex locked or unlocked by someone else
    // (std::scoped_lock).
    void claim(int me, int f) {
        auto& h = forks_[f].holder;
        if (h.load(std::memory_order_relaxed) != kNobody) Seat::bump(seats_[me].violations);
        h.store(me, std::memory_order_relaxed);
    }
    void unclaim(int me, int f) {
        auto& h = forks_[f].holder;
        if (h.load(std::memory_order_relaxed) != me) Seat::bump(seats_[me].violations);
        h.store(kNobody, std::memory_order_relaxed);
    }

    void block(int me, Blocked on, int f = kNobody) {
        seats_[me].blocked_fork.store(f, std::memory_order_relaxed);
        seats_[me].blocked.store(static_cast<int>(on), std::memory_order_release);
    }
    void unblock(int me) {
        seats_[me].blocked.store(static_cast<int>(Blocked::Nothing), std::memory_order_relaxed);
    }

    // Called with both forks in hand: both must be marked ours, and each
    // fork's use count moves by one.
    void check_and_use(int me) {
        for (int f : {left(me), right(me)}) {
            auto& k = forks_[f];
            if (k.holder.load(std::memory_order_relaxed) != me) Seat::bump(seats_[me].violations);
            unguarded_increment(k.uses);
        }
    }

    TableView view() const {
        TableView v;
        for (const auto& f : forks_)
            v.fork_holder.push_back(f.holder.load(std::memory_order_acquire));
        for (const auto& s : seats_) {
            PhilosopherView p;
            p.blocked = static_cast<Blocked>(s.blocked.load(std::memory_order_acquire));
            p.fork = s.blocked_fork.load(std::memory_order_acquire);
            p.meals = s.meals.load(std::memory_order_acquire);
            v.philosophers.push_back(p);
        }
        return v;
    }

    std::uint64_t progress() const {
        std::uint64_t sum = 0;
        for (const auto& s : seats_) sum += s.meals.load(std::memory_order_relaxed);
        return sum;
    }

  private:
    std::vector<Fork> forks_;
    std::vector<Seat> seats_;
};

}  // namespace contend::deadlock
