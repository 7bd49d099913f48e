#pragma once
// moodycamel — adapter over moodycamel::ConcurrentQueue (Cameron Desrochers,
// github.com/cameron314/concurrentqueue; Debian libconcurrentqueue-dev).
//
// Algorithm: one sub-queue per producer — a circular list of fixed-size
// blocks that only its producer appends to — and consumers that pick a
// non-empty sub-queue and claim an index in it with fetch_add. This adapter
// uses the tokens-free API: each thread that enqueues gets an implicit
// producer (a sub-queue found through a lock-free hash of its thread id), and
// dequeues scan the producers without a consumer token. Guarantees (the
// library's): lock-free apart from block allocation; items of one producer
// leave in the order it pushed them, and every consumer sees them in that
// order, but there is no order between producers and no linearizability — a
// try_pop may fail while another producer's sub-queue holds items.
//
// try_push is enqueue(), which allocates a block when the producer's blocks
// are full, so the queue is unbounded and try_push never fails for lack of
// room. (try_enqueue would fail instead of allocating, but its limit depends
// on how the preallocated blocks happen to be spread over producers: not a
// capacity anyone could state.) The capacity argument preallocates that many
// elements' worth of blocks, so a run's first pushes need not allocate.
#include <concurrentqueue/concurrentqueue.h>

#include <cstddef>

namespace contend::queues {

template <class T>
class MoodycamelQueue {
  public:
    explicit MoodycamelQueue(std::size_t capacity) : q_(capacity) {}

    // false only when allocation fails
    bool try_push(const T& item) { return q_.enqueue(item); }
    bool try_pop(T& out) { return q_.try_dequeue(out); }

  private:
    moodycamel::ConcurrentQueue<T> q_;
};

}  // namespace contend::queues
