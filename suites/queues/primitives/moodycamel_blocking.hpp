#pragma once
// moodycamel_blocking — adapter over moodycamel::BlockingConcurrentQueue
// (github.com/cameron314/concurrentqueue; Debian libconcurrentqueue-dev).
//
// Algorithm: moodycamel::ConcurrentQueue (see moodycamel_queue.hpp, same
// tokens-free implicit-producer API) plus a counting semaphore of items
// (LightweightSemaphore: an atomic count that spins briefly, then sleeps on a
// POSIX semaphore). enqueue adds the item, then signals; a consumer first
// takes a count, then dequeues — retrying, since the inner queue's try may
// miss an item another consumer's scan is racing for, but the count says one
// is there. Guarantees: unbounded, so push never waits (it is enqueue);
// pop (wait_dequeue) sleeps while empty; per-producer FIFO as in
// ConcurrentQueue. try_push, try_pop and push are lock-free apart from block
// allocation: a stalled consumer holds only the count it took, never another
// thread's item.
#include <concurrentqueue/blockingconcurrentqueue.h>

#include <cstddef>
#include <new>

namespace contend::queues {

template <class T>
class MoodycamelBlockingQueue {
  public:
    explicit MoodycamelBlockingQueue(std::size_t capacity) : q_(capacity) {}

    bool try_push(const T& item) { return q_.enqueue(item); }  // false only when allocation fails
    bool try_pop(T& out) { return q_.try_dequeue(out); }

    // push has no "full" to wait for; an allocation failure must not drop the
    // item silently.
    void push(const T& item) {
        if (!q_.enqueue(item)) throw std::bad_alloc();
    }
    void pop(T& out) { q_.wait_dequeue(out); }

  private:
    moodycamel::BlockingConcurrentQueue<T> q_;
};

}  // namespace contend::queues
