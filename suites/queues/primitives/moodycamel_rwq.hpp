#pragma once
// moodycamel_rwq — adapter over moodycamel::ReaderWriterQueue (Cameron
// Desrochers, github.com/cameron314/readerwriterqueue; Debian
// libreaderwriterqueue-dev).
//
// Algorithm: a single-producer single-consumer queue made of a circular list
// of ring-buffer blocks; each side owns one index per block and keeps a
// cached copy of the other side's, re-reading it (fenced) only when the copy
// says empty or full, so each operation is wait-free (no retry loop).
// Guarantees: FIFO; exactly one producer and one consumer thread.
//
// Bounded: try_push is try_enqueue, which never allocates — all blocks are
// allocated in the constructor — and fails when they are full. (enqueue would
// allocate a new block instead, making the queue unbounded and the push path
// call malloc.) The constructor rounds the capacity up to whole blocks (64
// asked holds 127, 1024 holds 2044), so the queue holds at least `capacity`
// items; capacity() is the real figure (max_capacity()).
#include <readerwriterqueue/readerwriterqueue.h>

#include <cstddef>
#include <stdexcept>

namespace contend::queues {

template <class T>
class MoodycamelRwq {
  public:
    explicit MoodycamelRwq(std::size_t capacity) : q_(checked(capacity)) {}

    std::size_t capacity() const { return q_.max_capacity(); }

    // Producer thread only.
    bool try_push(const T& item) { return q_.try_enqueue(item); }
    // Consumer thread only.
    bool try_pop(T& out) { return q_.try_dequeue(out); }

  private:
    static std::size_t checked(std::size_t capacity) {
        if (capacity == 0)
            throw std::invalid_argument("moodycamel_rwq: capacity must be at least 1");
        return capacity;
    }

    moodycamel::ReaderWriterQueue<T> q_;
};

}  // namespace contend::queues
