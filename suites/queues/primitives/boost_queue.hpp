#pragma once
// boost_queue — adapter over boost::lockfree::queue (Tim Blechmann, Boost
// 1.53+) with fixed_sized<true> and a run-time capacity.
//
// Algorithm: the Michael-Scott queue (PODC 1996): a linked list with a dummy
// node, enqueue CASes the last node's next and then swings tail, dequeue
// swings head. Nodes come from a freelist; with fixed_sized<true> the
// freelist is one array allocated in the constructor and nodes are named by
// 16-bit indices with a 16-bit ABA tag, packed into one 32-bit CAS word.
// Guarantees: linearizable FIFO, lock-free (no allocation after
// construction), any number of producers and consumers; bounded: try_push
// (bounded_push) fails when the freelist is empty. Needs trivially copyable,
// trivially destructible elements, because pop copies the element out of the
// next node before its CAS and throws the copy away if the CAS fails: the node
// may have been recycled and half rewritten meanwhile. That copy is a data
// race by the letter of the memory model, and TSan reports it
// (boostorg/lockfree #78); the tagged CAS makes it harmless. It also means
// a try_pop that returns false may have written to `out`.
//
// Capacity: exactly `capacity` items (the constructor reserves one more node
// for the dummy). The 16-bit indices cap the freelist at 65535 nodes, so at
// most 65534 items; larger capacities are rejected here with that reason
// rather than by Boost's generic "freelist size is limited" exception.
#include <boost/lockfree/policies.hpp>
#include <boost/lockfree/queue.hpp>

#include <cstddef>
#include <stdexcept>

namespace contend::queues {

template <class T>
class BoostQueue {
  public:
    static constexpr std::size_t kMaxCapacity = 65534;

    explicit BoostQueue(std::size_t capacity) : capacity_(checked(capacity)), q_(capacity_) {}

    std::size_t capacity() const { return capacity_; }

    bool try_push(const T& item) { return q_.bounded_push(item); }
    bool try_pop(T& out) { return q_.pop(out); }

  private:
    static std::size_t checked(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("boost_queue: capacity must be at least 1");
        if (capacity > kMaxCapacity)
            throw std::length_error(
                "boost_queue: capacity above 65534 (fixed_sized freelist "
                "uses 16-bit node indices)");
        return capacity;
    }

    std::size_t capacity_;
    boost::lockfree::queue<T, boost::lockfree::fixed_sized<true>> q_;
};

}  // namespace contend::queues
