#pragma once
// boost_spsc — adapter over boost::lockfree::spsc_queue (Tim Blechmann,
// Boost 1.53+) with a run-time capacity.
//
// Algorithm: Lamport's single-producer single-consumer ring (ACM TOPLAS 1983)
// with one spare slot to tell full from empty (so capacity + 1 slots); each
// side stores its own index with release and loads the other's with acquire,
// re-reading it on every operation (no cached copy). Guarantees: FIFO,
// wait-free, exactly one producer and one consumer thread; bounded: try_push
// fails when full. The array is allocated once, in the constructor.
#include <boost/lockfree/spsc_queue.hpp>

#include <cstddef>
#include <stdexcept>

namespace contend::queues {

template <class T>
class BoostSpscQueue {
  public:
    explicit BoostSpscQueue(std::size_t capacity) : capacity_(checked(capacity)), q_(capacity_) {}

    std::size_t capacity() const { return capacity_; }

    // Producer thread only.
    bool try_push(const T& item) { return q_.push(item); }
    // Consumer thread only.
    bool try_pop(T& out) { return q_.pop(out); }

  private:
    static std::size_t checked(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("boost_spsc: capacity must be at least 1");
        return capacity;
    }

    std::size_t capacity_;
    boost::lockfree::spsc_queue<T> q_;
};

}  // namespace contend::queues
