#pragma once
// tbb_bounded_queue — adapter over oneapi::tbb::concurrent_bounded_queue
// (oneTBB; Debian libtbb-dev, links libtbb).
//
// Algorithm: the same ticketed micro-queues as concurrent_queue
// (tbb_queue.hpp) plus a capacity and two concurrent_monitors (in libtbb).
// push takes its tail ticket first and, if that ticket is `capacity` or more
// ahead of the head, sleeps on the slots-available monitor until it is not;
// pop takes a head ticket and sleeps on the items-available monitor until
// the tail passes it. try_push checks the capacity before claiming a ticket
// by CAS, so it fails instead of waiting. Every successful push or pop then
// calls into libtbb to wake the other side's sleepers, if any (an
// out-of-line call per operation). Guarantees: bounded to exactly `capacity`
// items; FIFO in ticket order; push and pop block (spin briefly, then sleep in
// the kernel); not lock-free.
#include <oneapi/tbb/concurrent_queue.h>

#include <cstddef>
#include <limits>
#include <stdexcept>

namespace contend::queues {

template <class T>
class TbbBoundedQueue {
  public:
    explicit TbbBoundedQueue(std::size_t capacity) { q_.set_capacity(checked(capacity)); }

    std::size_t capacity() const { return static_cast<std::size_t>(q_.capacity()); }

    bool try_push(const T& item) { return q_.try_push(item); }
    bool try_pop(T& out) { return q_.try_pop(out); }
    void push(const T& item) { q_.push(item); }
    void pop(T& out) { q_.pop(out); }

  private:
    // set_capacity takes a signed size; a negative one means "unbounded".
    static std::ptrdiff_t checked(std::size_t capacity) {
        if (capacity == 0)
            throw std::invalid_argument("tbb_bounded_queue: capacity must be at least 1");
        if (capacity > static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()))
            throw std::length_error("tbb_bounded_queue: capacity too large");
        return static_cast<std::ptrdiff_t>(capacity);
    }

    oneapi::tbb::concurrent_bounded_queue<T> q_;
};

}  // namespace contend::queues
