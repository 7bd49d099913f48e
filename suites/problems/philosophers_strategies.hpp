#pragma once
// How a philosopher gets its two forks: the five strategies of
// problems.deadlock. Each is a type with one member template,
//
//   template <class Meal> void dine(Table& t, int me, Meal& meal);
//
// that acquires both forks, calls meal.eat() while holding them, and puts
// them back. meal.gap() is the pause between the two pick-ups (the classic
// demonstration: it widens the window in which every seat holds one fork);
// meal.backoff(k) is trylock_backoff's randomized pause after its k-th
// failed try. The strategy object is shared by the whole table.
#include <algorithm>
#include <semaphore>

#include "suites/problems/philosophers_table.hpp"

namespace contend::deadlock {

// Left, then right. Deadlocks as soon as every seat holds its left fork:
// the circular wait of Coffman et al. (1971) with nothing to break it.
struct NaiveStrategy {
    explicit NaiveStrategy(int) {}
    template <class Meal>
    void dine(Table& t, int me, Meal& meal) {
        t.take(me, t.left(me));
        meal.gap();
        t.take(me, t.right(me));
        meal.eat();
        t.put(me, t.right(me));
        t.put(me, t.left(me));
    }
};

// Resource hierarchy (Dijkstra): lower-numbered fork first. The last seat
// reaches right before left, so the wait-for graph can never close a circle.
struct OrderedStrategy {
    explicit OrderedStrategy(int) {}
    template <class Meal>
    void dine(Table& t, int me, Meal& meal) {
        const int first = std::min(t.left(me), t.right(me));
        const int second = std::max(t.left(me), t.right(me));
        t.take(me, first);
        meal.gap();
        t.take(me, second);
        meal.eat();
        t.put(me, second);
        t.put(me, first);
    }
};

// std::scoped_lock on both forks: std::lock's deadlock-avoidance algorithm
// (libstdc++: block on one, try the other, on failure release and block on
// the one that failed). It never waits while holding a fork, so it has no
// gap between the pick-ups: the pause is spent reaching for the forks,
// before the lock, which keeps the time per meal comparable.
struct ScopedLockStrategy {
    explicit ScopedLockStrategy(int) {}
    template <class Meal>
    void dine(Table& t, int me, Meal& meal) {
        const int l = t.left(me), r = t.right(me);
        meal.gap();
        t.block(me, Blocked::Forks);
        std::scoped_lock both(t.fork(l).mutex, t.fork(r).mutex);
        t.unblock(me);
        t.claim(me, l);
        t.claim(me, r);
        meal.eat();
        t.unclaim(me, r);
        t.unclaim(me, l);
    }
};

// Left (blocking), then try_lock right; on failure put the left fork back,
// back off for a random time and start over. Never waits while holding a
// fork, so it cannot deadlock; without the randomness neighbours can retry
// in lockstep forever (livelock). The failed tries per meal are reported.
struct TrylockBackoffStrategy {
    static constexpr bool kCountsFailedTries = true;
    explicit TrylockBackoffStrategy(int) {}
    template <class Meal>
    void dine(Table& t, int me, Meal& meal) {
        const int l = t.left(me), r = t.right(me);
        for (int fails = 0;; ++fails) {
            t.take(me, l);
            meal.gap();
            if (t.try_take(me, r)) break;
            t.put(me, l);
            Seat::bump(t.seat(me).failed_tries);
            meal.backoff(fails);
        }
        meal.eat();
        t.put(me, r);
        t.put(me, l);
    }
};

// An arbiter (the "waiter") seats at most n-1 philosophers at a time, with
// a std::counting_semaphore: among n-1 seated, one always finds both of its
// forks free of seated neighbours, so the circle cannot close.
class WaiterStrategy {
  public:
    explicit WaiterStrategy(int seats) : admitted_(seats - 1) {}
    template <class Meal>
    void dine(Table& t, int me, Meal& meal) {
        t.block(me, Blocked::Waiter);
        admitted_.acquire();
        t.unblock(me);
        NaiveStrategy(0).dine(t, me, meal);
        admitted_.release();
    }

  private:
    std::counting_semaphore<> admitted_;
};

template <class S>
concept CountsFailedTries = S::kCountsFailedTries;

}  // namespace contend::deadlock
