#pragma once
// The one list of in-process queues. Adding a queue = one header in
// primitives/ and one line here; every queue scenario, validation, `list` and
// the plots pick it up from this list.
//
// A Visitor provides:
//   template <template <class T> class Q> void queue(PrimitiveInfo info);
// Q<T> must satisfy TryQueue<Q<T>, T> for every Message<Bytes> (and
// BlockingQueue when info.blocking). Each entry is a QueueDeclaration
// (queue_promises.hpp), as a user's CONTEND_QUEUE is: blocking, lock_free,
// and the queue's promises bounded, ordering ("fifo", "per_producer_fifo",
// "lifo", "priority", "none"), shapes (which of "spsc,mpsc,spmc,mpmc" it
// supports), max_message_bytes and max_capacity (0 = any).
#include "harness/primitive_info.hpp"
#include "suites/queues/message.hpp"
#include "suites/queues/queue_concepts.hpp"
#include "suites/queues/queue_promises.hpp"

#include "suites/queues/primitives/mpmc_ring.hpp"
#include "suites/queues/primitives/ms_queue.hpp"
#include "suites/queues/primitives/spsc_ring.hpp"
#include "suites/queues/primitives/treiber_stack.hpp"

#include "suites/queues/primitives/mutex_fifo.hpp"
#include "suites/queues/primitives/mutex_lifo.hpp"
#include "suites/queues/primitives/mutex_priority.hpp"

#include "suites/queues/primitives/atomic_queue_mpmc.hpp"
#include "suites/queues/primitives/atomic_queue_spsc.hpp"
#include "suites/queues/primitives/boost_queue.hpp"
#include "suites/queues/primitives/boost_spsc.hpp"
#include "suites/queues/primitives/boost_stack.hpp"
#include "suites/queues/primitives/moodycamel_blocking.hpp"
#include "suites/queues/primitives/moodycamel_queue.hpp"
#include "suites/queues/primitives/moodycamel_rwq.hpp"
#include "suites/queues/primitives/tbb_bounded_queue.hpp"
#include "suites/queues/primitives/tbb_priority_queue.hpp"
#include "suites/queues/primitives/tbb_queue.hpp"
#include "suites/queues/primitives/xenium_ms_queue.hpp"

#include "suites/queues/primitives/broken_queue.hpp"
#include "suites/queues/primitives/rare_fault_queues.hpp"

namespace contend::queues {

// One catalog entry's declared properties, so each entry stays one statement
// (everything not named keeps QueueDeclaration's default; size_bytes and
// align_bytes are filled in by the visitor).
inline QueueDeclaration queue_info(const char* name, const char* family, const char* description,
                                   bool bounded, bool lock_free, const char* ordering,
                                   const char* shapes, bool blocking = false) {
    QueueDeclaration q;
    q.name = name;
    q.family = family;
    q.description = description;
    q.blocking = blocking;
    q.bounded = bounded;
    q.lock_free = lock_free;
    q.ordering = ordering;
    q.shapes = shapes;
    return q;
}

inline QueueDeclaration with_max_capacity(QueueDeclaration q, std::size_t max_capacity) {
    q.max_capacity = max_capacity;
    return q;
}

template <class Visitor>
void for_each_queue(Visitor& visit) {
    constexpr const char* kAllShapes = "spsc,mpsc,spmc,mpmc";

    // own lock-free
    visit.template queue<SpscRing>(queue_info(
        "spsc_ring", "lockfree", "bounded SPSC ring, cached head/tail (Lamport 1983; Rigtorp)",
        /*bounded*/ true, /*lock_free*/ true, "fifo", "spsc"));
    // lock_free false: a thread stalled between claiming and publishing a
    // slot holds up that slot's consumer (see mpmc_ring.hpp); no locks, though.
    visit.template queue<MpmcRing>(queue_info(
        "mpmc_ring", "lockfree", "bounded MPMC ring, per-slot sequence numbers (Vyukov 2010)",
        /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes));
    visit.template queue<MsQueue>(queue_info(
        "ms_queue", "lockfree", "Michael-Scott queue, hazard pointers (PODC 1996; TPDS 2004)",
        /*bounded*/ false, /*lock_free*/ true, "fifo", kAllShapes));
    visit.template queue<TreiberStack>(queue_info(
        "treiber_stack", "lockfree", "Treiber stack, hazard pointers against ABA (IBM 1986)",
        /*bounded*/ false, /*lock_free*/ true, "lifo", kAllShapes));

    // mutex-based
    visit.template queue<MutexFifo>(
        queue_info("mutex_fifo", "mutex",
                   "bounded ring, std::mutex + not_full/not_empty condvars (Hoare 1974)",
                   /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes, /*blocking*/ true));
    visit.template queue<MutexLifo>(
        queue_info("mutex_lifo", "mutex", "bounded stack, std::mutex + not_full/not_empty condvars",
                   /*bounded*/ true, /*lock_free*/ false, "lifo", kAllShapes, /*blocking*/ true));
    visit.template queue<MutexPriority>(queue_info(
        "mutex_priority", "mutex", "bounded binary max-heap (Williams 1964), std::mutex + condvars",
        /*bounded*/ true, /*lock_free*/ false, "priority", kAllShapes, /*blocking*/ true));

    // peers
    visit.template queue<MoodycamelQueue>(queue_info(
        "moodycamel", "peer", "moodycamel::ConcurrentQueue, implicit per-thread producers",
        /*bounded*/ false, /*lock_free*/ true, "per_producer_fifo", kAllShapes));
    visit.template queue<MoodycamelBlockingQueue>(queue_info(
        "moodycamel_blocking", "peer", "moodycamel::BlockingConcurrentQueue (+ counting semaphore)",
        /*bounded*/ false, /*lock_free*/ true, "per_producer_fifo", kAllShapes, /*blocking*/ true));
    visit.template queue<MoodycamelRwq>(queue_info(
        "moodycamel_rwq", "peer", "moodycamel::ReaderWriterQueue, try_enqueue (no allocation)",
        /*bounded*/ true, /*lock_free*/ true, "fifo", "spsc"));
    // lock_free false and ordering none: a preempted claimant stalls its slot,
    // and the slot state has no lap number (see atomic_queue_mpmc.hpp).
    visit.template queue<AtomicQueueMpmc>(
        queue_info("atomic_queue", "peer",
                   "atomic_queue::AtomicQueueB2, per-slot state bytes (capacity >= 4096)",
                   /*bounded*/ true, /*lock_free*/ false, "none", kAllShapes));
    visit.template queue<AtomicQueueSpsc>(queue_info(
        "atomic_queue_spsc", "peer", "atomic_queue::AtomicQueueB2, SPSC=true (capacity >= 4096)",
        /*bounded*/ true, /*lock_free*/ false, "fifo", "spsc"));
    visit.template queue<BoostQueue>(with_max_capacity(
        queue_info("boost_queue", "peer",
                   "boost::lockfree::queue, fixed_sized (Michael-Scott; capacity <= 65534)",
                   /*bounded*/ true, /*lock_free*/ true, "fifo", kAllShapes),
        65534));
    visit.template queue<BoostSpscQueue>(queue_info(
        "boost_spsc", "peer", "boost::lockfree::spsc_queue, run-time capacity (Lamport ring)",
        /*bounded*/ true, /*lock_free*/ true, "fifo", "spsc"));
    visit.template queue<BoostStack>(with_max_capacity(
        queue_info("boost_stack", "peer",
                   "boost::lockfree::stack, fixed_sized (Treiber; capacity <= 65535)",
                   /*bounded*/ true, /*lock_free*/ true, "lifo", kAllShapes),
        65535));
    visit.template queue<TbbQueue>(
        queue_info("tbb_queue", "peer", "oneTBB concurrent_queue (ticketed micro-queues)",
                   /*bounded*/ false, /*lock_free*/ false, "fifo", kAllShapes));
    visit.template queue<TbbBoundedQueue>(queue_info(
        "tbb_bounded_queue", "peer", "oneTBB concurrent_bounded_queue (micro-queues + monitors)",
        /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes, /*blocking*/ true));
    visit.template queue<TbbPriorityQueue>(
        queue_info("tbb_priority_queue", "peer",
                   "oneTBB concurrent_priority_queue (heap behind an aggregator)",
                   /*bounded*/ false, /*lock_free*/ false, "priority", kAllShapes));
#ifdef CONTEND_HAVE_XENIUM
    visit.template queue<XeniumMsQueue>(
        queue_info("xenium_ms_queue", "peer",
                   "xenium michael_scott_queue, epoch-based reclamation (Fraser 2004)",
                   /*bounded*/ false, /*lock_free*/ true, "fifo", kAllShapes));
#endif

    // controls
    auto control = [](PrimitiveInfo info) {
        info.control = true;  // never part of a default run
        return info;
    };
    visit.template queue<BrokenQueue>(control(queue_info(
        "broken_queue", "control", "mutex FIFO that drops and duplicates an item every ~10,000",
        /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes)));
    // Almost right: faults that only `contend stress` drives them into.
    visit.template queue<LossyWhenFullQueue>(control(queue_info(
        "lossy_when_full", "control", "mutex FIFO that drops ~1 in 1,000 pushes that find it full",
        /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes)));
    visit.template queue<RareReorderQueue>(control(queue_info(
        "rare_reorder", "control", "mutex FIFO that swaps two neighbours once in ~10^5 pops",
        /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes)));
    visit.template queue<SkipsNotifyQueue>(control(queue_info(
        "skips_notify", "control",
        "blocking FIFO whose push skips 1 in 5,000 consumer wake-ups (next push rescues)",
        /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes, /*blocking*/ true)));
    visit.template queue<SkipsRoomNotifyQueue>(control(
        queue_info("skips_room_notify", "control",
                   "blocking FIFO whose pop skips 1 in 5,000 producer wake-ups (next pop rescues)",
                   /*bounded*/ true, /*lock_free*/ false, "fifo", kAllShapes, /*blocking*/ true)));
}

}  // namespace contend::queues
