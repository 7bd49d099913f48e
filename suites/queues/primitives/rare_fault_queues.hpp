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
//
// Both count under the queue's mutex, so the faults need no particular
// timing, only enough operations in the right state. Try operations only,
// like broken_queue: a blocking pop could wait for a dropped poison message.
#include <atomic>
#include <cstddef>
#include <cstdint>

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

}  // namespace contend::queues
