#pragma once
// tbb_queue — adapter over oneapi::tbb::concurrent_queue (oneTBB; Debian
// libtbb-dev, links libtbb).
//
// Algorithm: a ticketed array of eight micro-queues. push takes a ticket
// from the tail counter (fetch_add) and appends to micro-queue
// (3 * ticket mod 8) once that micro-queue has taken the tickets before it;
// try_pop claims a ticket from the head counter by CAS, after checking it is
// below the tail, and waits for that ticket's item in its micro-queue. Pages
// of items are allocated as the queue grows (from libtbbmalloc when it is
// installed, as on Debian). Guarantees: unbounded (try_push always
// succeeds); items leave in ticket order, which is the order their pushes
// took tickets: FIFO, so each consumer sees each producer's items in order.
// Not lock-free: a pusher suspended after taking its ticket stalls the
// consumer of that ticket (and later pushers to the same micro-queue), and
// the waits spin, then yield. The capacity argument is ignored.
#include <oneapi/tbb/concurrent_queue.h>

#include <cstddef>

namespace contend::queues {

template <class T>
class TbbQueue {
  public:
    explicit TbbQueue(std::size_t /*capacity*/) {}

    bool try_push(const T& item) {
        q_.push(item);
        return true;
    }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    oneapi::tbb::concurrent_queue<T> q_;
};

}  // namespace contend::queues
