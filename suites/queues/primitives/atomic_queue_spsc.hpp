#pragma once
// atomic_queue_spsc — atomic_queue::AtomicQueueB2 with SPSC = true (Maxim
// Egorushkin, github.com/max0x7ba/atomic_queue; Debian libatomic-queue-dev).
//
// Same ring and per-slot states as atomic_queue_mpmc.hpp (the adapter lives
// there), but with one producer and one consumer the positions are claimed by
// a plain load and store of head/tail instead of a CAS, and the slot state is
// waited on with acquire loads instead of a CAS. Guarantees: FIFO; one
// producer thread and one consumer thread. Not lock-free, and try_pop can
// wait: the producer bumps head before storing the element, so a consumer
// that sees the new head spins inside try_pop until the store lands — for a
// whole time slice if the producer is preempted in between. Capacity rounded
// up to a power of two and to at least 4096, as there.
#include "suites/queues/primitives/atomic_queue_mpmc.hpp"

namespace contend::queues {

template <class T>
class AtomicQueueSpsc : public AtomicQueueAdapter<T, true> {
  public:
    using AtomicQueueAdapter<T, true>::AtomicQueueAdapter;
};

}  // namespace contend::queues
