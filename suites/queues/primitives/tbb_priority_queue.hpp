#pragma once
// tbb_priority_queue — adapter over oneapi::tbb::concurrent_priority_queue
// (oneTBB; Debian libtbb-dev, links libtbb).
//
// Algorithm: a binary heap behind an aggregator (flat combining, Hendler et
// al., SPAA 2010): each thread posts its push or pop to a lock-free list, and
// whichever thread finds no active handler applies the whole batch to the
// heap while the others spin (then yield) until their operation is marked
// done. Guarantees: unbounded (try_push always succeeds; the capacity argument
// only reserves heap storage); try_pop returns a largest item by
// std::less<T>, i.e. Message's operator< on priority, among those present;
// equal priorities in no particular order; not lock-free (everyone waits for
// the handler), and not blocking either (it never sleeps).
#include <oneapi/tbb/concurrent_priority_queue.h>

#include <cstddef>

namespace contend::queues {

template <class T>
class TbbPriorityQueue {
  public:
    explicit TbbPriorityQueue(std::size_t capacity) : q_(capacity) {}

    bool try_push(const T& item) {
        q_.push(item);
        return true;
    }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    oneapi::tbb::concurrent_priority_queue<T> q_;
};

}  // namespace contend::queues
