#pragma once
// mutex_priority — bounded priority queue: a binary max-heap under one
// std::mutex, with the same two condition variables as mutex_fifo.
//
// Algorithm: the implicit binary heap (Williams, "Algorithm 232: Heapsort",
// CACM 1964): children of slot i at 2i+1 and 2i+2, every parent not less than
// its children, so the largest item is at slot 0. push sifts the new item up
// from the end, pop moves the last item into the hole at the root and sifts
// it down; both O(log n) compares. The locking and waiting are mutex_fifo.hpp's
// MutexQueue. Guarantees: pop returns a largest item by operator< (Message
// compares priority) among those present; equal priorities leave in no
// particular order (a heap is not stable); push waits while full, pop while
// empty; not lock-free, not fair.
#include <cstddef>
#include <vector>

#include "suites/queues/primitives/mutex_fifo.hpp"

namespace contend::queues {

template <class Item>
class HeapStore {
  public:
    using value_type = Item;
    explicit HeapStore(std::size_t capacity) : heap_(capacity) {}
    std::size_t size() const { return count_; }
    std::size_t capacity() const { return heap_.size(); }

    // Moves the hole, not the item: each level costs one copy instead of a
    // swap's three, which matters for 1 KiB messages.
    void put(const Item& item) {
        std::size_t hole = count_++;
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / 2;
            if (!(heap_[parent] < item)) break;
            heap_[hole] = heap_[parent];
            hole = parent;
        }
        heap_[hole] = item;
    }

    void take(Item& out) {
        out = heap_[0];
        if (--count_ == 0) return;
        const Item& last = heap_[count_];
        std::size_t hole = 0;
        for (;;) {
            std::size_t child = 2 * hole + 1;
            if (child >= count_) break;
            if (child + 1 < count_ && heap_[child] < heap_[child + 1]) ++child;
            if (!(last < heap_[child])) break;
            heap_[hole] = heap_[child];
            hole = child;
        }
        heap_[hole] = last;  // last's slot (count_) is past every hole, so still intact
    }

  private:
    std::vector<Item> heap_;
    std::size_t count_ = 0;
};

template <class T>
class MutexPriority : public MutexQueue<HeapStore<T>> {
  public:
    using MutexQueue<HeapStore<T>>::MutexQueue;
};

}  // namespace contend::queues
