#pragma once
// xenium_ms_queue — adapter over xenium::michael_scott_queue (Manuel Pöter,
// github.com/mpoeter/xenium; Debian libxenium-dev, header-only) with
// epoch-based reclamation.
//
// Algorithm: the Michael-Scott queue (PODC 1996), as in boost_queue, but with
// nodes from the heap (one `new` per push) and freed through a memory
// reclamation scheme instead of recycled through a tagged freelist. The
// reclaimer is xenium::reclamation::epoch_based<> — Fraser's epoch-based
// reclamation (Cambridge tech report 579, 2004): a thread enters a critical
// region when it takes a guard on a node, retired nodes wait in a per-thread
// list until every thread has been seen outside the epoch they were retired
// in (a scan of all threads every 100 critical-region entries), then are
// deleted. The policy is xenium::policy::reclaimer<...>. Guarantees:
// linearizable FIFO, lock-free apart from the allocator, any number of
// producers and consumers, unbounded (try_push always succeeds; the capacity
// argument is ignored). Epochs are cheap per operation but not robust: a
// thread stalled inside a critical region stops all reclamation, so memory
// grows while it sleeps (the own ms_queue uses hazard pointers, which bound
// it). The reclaimer's epoch and thread list are process-wide statics shared
// by every queue that uses this reclaimer type.
//
// Built only where xenium builds: its utils.hpp reads a cycle counter for
// x86-64 and SPARC alone and is an #error elsewhere (AArch64 included, in
// Debian's libxenium-dev 0.0.2), so other architectures list no xenium queue.
#if defined(__x86_64__) || defined(__sparc__)
#define CONTEND_HAVE_XENIUM 1
#include <xenium/michael_scott_queue.hpp>
#include <xenium/policy.hpp>
#include <xenium/reclamation/generic_epoch_based.hpp>

#include <cstddef>

namespace contend::queues {

template <class T>
class XeniumMsQueue {
  public:
    explicit XeniumMsQueue(std::size_t /*capacity*/) {}

    bool try_push(const T& item) {
        q_.push(item);
        return true;
    }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    xenium::michael_scott_queue<T, xenium::policy::reclaimer<xenium::reclamation::epoch_based<>>>
        q_;
};

}  // namespace contend::queues
#endif
