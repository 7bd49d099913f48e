#pragma once
// Queues that are almost right (controls, for `contend stress`): each breaks
// its promise only in a state a benchmark window rarely reaches, so only a
// stress run that drives the queue there finds it (issue 10).
//
//   lossy_when_full   mutex_fifo, except that about one try_push in 1,000
//                     that finds the queue full reports success and drops
//                     the item: seen only with tiny capacities or slow
//                     consumers.
//   rare_reorder      mutex_fifo, except that every 100,003rd pop that finds
//                     two or more items hands out the second-oldest first:
//                     a FIFO that reorders neighbours about once in 10^5.
//   skips_notify      a blocking FIFO (mutex, two condition variables) whose
//                     push skips the wake-up it owes a sleeping consumer
//                     once in 5,000 such wake-ups: the next push rescues
//                     it, so only a consumer left asleep beside an item
//                     through a quiet instant right after that push shows
//                     it (the stall watch's control, consumer side).
//   skips_room_notify the same FIFO whose pop skips the wake-up it owes a
//                     producer asleep on a full queue once in 5,000: the
//                     next pop rescues it (the producer side's control).
//                     Counting owed wake-ups, not operations, makes both
//                     sides equally rare whatever the queue's fill: a
//                     producer sleeps far less often than a consumer, and
//                     a skip with nobody asleep loses nothing. The count
//                     starts at a random point in each queue: a short
//                     stress case, or one whose queue is rarely empty, may
//                     owe fewer than 5,000 wake-ups, and a count from zero
//                     would then lose none (under load, skips_notify took
//                     up to 241 s to catch so).
//
// The first two count under the queue's mutex, so the faults need no
// particular timing, only enough operations in the right state; they have
// try operations only, like broken_queue (a blocking pop could wait for a
// dropped poison message).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <stdexcept>

#include "suites/queues/primitives/mutex_fifo.hpp"

namespace contend::queues {

template <class T>
class LossyWhenFullQueue {
  public:
    explicit LossyWhenFullQueue(std::size_t capacity) : q_(capacity) {}
    std::size_t capacity() const { return q_.capacity(); }

    bool try_push(const T& item) {
        if (q_.try_push(item)) return true;
        // Full. The bug: now and then, claim the item went in.
        return full_pushes_.fetch_add(1, std::memory_order_relaxed) % 1000 == 999;
    }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    MutexFifo<T> q_;
    std::atomic<std::uint64_t> full_pushes_{0};
};

// A ring store whose take() hands out the two oldest items in the wrong
// order now and then: it sets the oldest aside, gives out the second, and
// gives the oldest out at the next take().
template <class Item>
class RareReorderStore {
  public:
    using value_type = Item;
    static constexpr std::uint64_t kReorderEvery = 100'003;

    explicit RareReorderStore(std::size_t capacity) : ring_(capacity) {}
    std::size_t size() const { return ring_.size() + held_; }
    std::size_t capacity() const { return ring_.capacity(); }
    void put(const Item& item) { ring_.put(item); }
    void take(Item& out) {
        if (held_) {
            out = aside_;
            held_ = false;
        } else if (ring_.size() >= 2 && ++crowded_pops_ % kReorderEvery == 0) {
            ring_.take(aside_);  // the bug: the oldest waits one turn
            held_ = true;
            ring_.take(out);
        } else {
            ring_.take(out);
        }
    }

  private:
    RingStore<Item> ring_;
    Item aside_{};
    bool held_ = false;
    std::uint64_t crowded_pops_ = 0;
};

template <class T>
class RareReorderQueue {
  public:
    explicit RareReorderQueue(std::size_t capacity) : q_(capacity) {}
    std::size_t capacity() const { return q_.capacity(); }
    bool try_push(const T& item) { return q_.try_push(item); }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    MutexQueue<RareReorderStore<T>> q_;
};

// Which side's wake-up a SkipsWakeQueue loses now and then.
enum class LostWake { Consumer, Producer };

template <class T, LostWake kLoses>
class SkipsWakeQueue {
  public:
    explicit SkipsWakeQueue(std::size_t capacity)
        : ring_(capacity), owed_wakes_(std::random_device{}() % kSkipEvery) {
        if (capacity == 0) throw std::invalid_argument("skips_notify: capacity must be at least 1");
    }
    std::size_t capacity() const { return ring_.capacity(); }

    bool try_push(const T& item) {
        std::unique_lock lock(mu_);
        if (ring_.size() == ring_.capacity()) return false;
        ring_.put(item);
        const bool owed = sleeping_consumers_ > 0;
        lock.unlock();
        wake(not_empty_, LostWake::Consumer, owed);
        return true;
    }
    bool try_pop(T& out) {
        std::unique_lock lock(mu_);
        if (ring_.size() == 0) return false;
        ring_.take(out);
        const bool owed = sleeping_producers_ > 0;
        lock.unlock();
        wake(not_full_, LostWake::Producer, owed);
        return true;
    }
    void push(const T& item) {
        std::unique_lock lock(mu_);
        sleep_until(lock, not_full_, sleeping_producers_,
                    [&] { return ring_.size() < ring_.capacity(); });
        ring_.put(item);
        const bool owed = sleeping_consumers_ > 0;
        lock.unlock();
        wake(not_empty_, LostWake::Consumer, owed);
    }
    void pop(T& out) {
        std::unique_lock lock(mu_);
        sleep_until(lock, not_empty_, sleeping_consumers_, [&] { return ring_.size() > 0; });
        ring_.take(out);
        const bool owed = sleeping_producers_ > 0;
        lock.unlock();
        wake(not_full_, LostWake::Producer, owed);
    }

  private:
    template <class Ready>
    static void sleep_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            unsigned& sleepers, Ready ready) {
        while (!ready()) {
            ++sleepers;
            cv.wait(lock);
            --sleepers;
        }
    }

    // `owed`: a thread of that side was asleep when this operation made what
    // it waits for (read under the mutex). Only those wake-ups are counted,
    // and one in 5,000 of them is skipped.
    void wake(std::condition_variable& sleepers, LostWake side, bool owed) {
        if (side == kLoses && owed && ++owed_wakes_ % kSkipEvery == 0) return;  // the bug
        sleepers.notify_one();
    }

    static constexpr std::uint64_t kSkipEvery = 5000;

    std::mutex mu_;
    std::condition_variable not_empty_, not_full_;
    RingStore<T> ring_;
    unsigned sleeping_consumers_ = 0, sleeping_producers_ = 0;  // under mu_
    std::atomic<std::uint64_t> owed_wakes_{0};
};

template <class T>
using SkipsNotifyQueue = SkipsWakeQueue<T, LostWake::Consumer>;
template <class T>
using SkipsRoomNotifyQueue = SkipsWakeQueue<T, LostWake::Producer>;

}  // namespace contend::queues
