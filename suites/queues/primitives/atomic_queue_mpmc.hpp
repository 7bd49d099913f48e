#pragma once
// atomic_queue — adapter over atomic_queue::AtomicQueueB2 (Maxim Egorushkin,
// github.com/max0x7ba/atomic_queue; Debian libatomic-queue-dev), the form
// with a run-time capacity for element types that are not atomics.
//
// Algorithm: a power-of-two ring; producers claim a position by CAS on head,
// consumers by CAS on tail, each after checking head - tail against the
// capacity. Each slot has a one-byte state (EMPTY, STORING, STORED, LOADING):
// the claimant of a position then spins (pause) until the slot's state lets
// it in, copies the element, and publishes the next state with release.
// Positions are remapped so that neighbouring positions fall on different
// cache lines. Template arguments used: MAXIMIZE_THROUGHPUT = true (spin on
// plain loads of the state before retrying the CAS, as upstream defaults),
// TOTAL_ORDER = false (it only changes blocking push()/pop(), which this
// adapter does not use), SPSC = false.
//
// Guarantees, read from the code rather than the README:
// - Not lock-free: a producer suspended between claiming a position and
//   storing its element makes that position's consumer spin inside try_pop
//   (and a consumer suspended mid-load does the same to the producer a lap
//   later). try_* return false only on "full"/"empty" by the counters; after
//   a successful claim they wait.
// - Ordering "none": the slot state carries no lap number. While a producer
//   Q is suspended between its claim of position h and its store, the other
//   producers can fill the ring up to h + capacity, and the producer of
//   h + capacity finds slot h EMPTY and stores first; the consumer of h takes
//   that newer item, then — at h + 1 onwards — older items of the same
//   producer. So not even per-producer FIFO holds once threads are preempted
//   on a full ring (oversubscription); without preemption it behaves FIFO.
//   Delivery is still exactly once. Seen on 2 CPUs, 6 producers and one
//   consumer, capacity 4096: 119 per-producer inversions in 0.8 M items
//   (mpmc_ring, whose slot sequence carries the lap, in the same test: 0).
// - Capacity: rounded up to a power of two and to at least 4096 (the index
//   remapping needs 64 x 64 slots for one-byte states); capacity() is the
//   real figure.
#include <atomic_queue/atomic_queue.h>

#include <cstddef>
#include <memory>
#include <stdexcept>

namespace contend::queues {

template <class T, bool Spsc>
class AtomicQueueAdapter {
  public:
    explicit AtomicQueueAdapter(std::size_t capacity) : q_(checked(capacity)) {}

    std::size_t capacity() const { return q_.capacity(); }

    bool try_push(const T& item) { return q_.try_push(item); }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    // The library counts in `unsigned` and rounds up to a power of two, which
    // would overflow above 2^31.
    static unsigned checked(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("atomic_queue: capacity must be at least 1");
        if (capacity > (std::size_t{1} << 31))
            throw std::length_error("atomic_queue: capacity above 2^31");
        return static_cast<unsigned>(capacity);
    }

    atomic_queue::AtomicQueueB2<T, std::allocator<T>, /*MAXIMIZE_THROUGHPUT*/ true,
                                /*TOTAL_ORDER*/ false, /*SPSC*/ Spsc>
        q_;
};

template <class T>
class AtomicQueueMpmc : public AtomicQueueAdapter<T, false> {
  public:
    using AtomicQueueAdapter<T, false>::AtomicQueueAdapter;
};

}  // namespace contend::queues
