#pragma once
// mutex_lifo — bounded LIFO stack under one std::mutex, with the same two
// condition variables as mutex_fifo.
//
// Algorithm: an array with a top index inside a monitor (Hoare, CACM 1974;
// Mesa semantics, Lampson & Redell, CACM 1980); the locking and waiting are
// mutex_fifo.hpp's MutexQueue. Guarantees: linearizable LIFO (pop returns the
// most recently pushed item still present) for any number of producers and
// consumers; push waits while full, pop while empty, asleep in the kernel;
// not lock-free, not fair. Under load a stack hands the newest item over
// first, so old items can wait indefinitely: that is its ordering, not a bug.
#include <cstddef>
#include <vector>

#include "suites/queues/primitives/mutex_fifo.hpp"

namespace contend::queues {

template <class Item>
class StackStore {
  public:
    using value_type = Item;
    explicit StackStore(std::size_t capacity) : slots_(capacity) {}
    std::size_t size() const { return count_; }
    std::size_t capacity() const { return slots_.size(); }
    void put(const Item& item) { slots_[count_++] = item; }
    void take(Item& out) { out = slots_[--count_]; }

  private:
    std::vector<Item> slots_;
    std::size_t count_ = 0;
};

template <class T>
class MutexLifo : public MutexQueue<StackStore<T>> {
  public:
    using MutexQueue<StackStore<T>>::MutexQueue;
};

}  // namespace contend::queues
