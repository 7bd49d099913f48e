#pragma once
// boost_stack — adapter over boost::lockfree::stack (Tim Blechmann, Boost
// 1.53+) with fixed_sized<true> and a run-time capacity.
//
// Algorithm: Treiber's stack (IBM RJ 5118, 1986): push and pop CAS the top
// pointer. Nodes come from a freelist that, with fixed_sized<true>, is one
// array allocated in the constructor; nodes are named by 16-bit indices with
// a 16-bit tag that the top CAS compares too, which is how it avoids ABA
// (no node is ever freed, only recycled through the tagged freelist).
// Guarantees: linearizable LIFO, lock-free (no allocation after
// construction), any number of producers and consumers; bounded: try_push
// (bounded_push) fails when the freelist is empty.
//
// Capacity: exactly `capacity` items, at most 65535 (the 16-bit indices);
// larger capacities are rejected here with that reason.
#include <boost/lockfree/policies.hpp>
#include <boost/lockfree/stack.hpp>

#include <cstddef>
#include <stdexcept>

namespace contend::queues {

template <class T>
class BoostStack {
  public:
    static constexpr std::size_t kMaxCapacity = 65535;

    explicit BoostStack(std::size_t capacity) : capacity_(checked(capacity)), s_(capacity_) {}

    std::size_t capacity() const { return capacity_; }

    bool try_push(const T& item) { return s_.bounded_push(item); }
    bool try_pop(T& out) { return s_.pop(out); }

  private:
    static std::size_t checked(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("boost_stack: capacity must be at least 1");
        if (capacity > kMaxCapacity)
            throw std::length_error(
                "boost_stack: capacity above 65535 (fixed_sized freelist "
                "uses 16-bit node indices)");
        return capacity;
    }

    std::size_t capacity_;
    boost::lockfree::stack<T, boost::lockfree::fixed_sized<true>> s_;
};

}  // namespace contend::queues
