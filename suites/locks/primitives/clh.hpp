#pragma once
// clh — Craig / Landin–Hagersten queue lock.
//
// Algorithm: the queue is implicit. An arriving thread sets `locked` in its
// node, swaps the node into `tail_` and spins on the *predecessor's* node
// until it clears; release clears its own node's flag. The releaser cannot
// reuse its node (the successor may still be polling it), so it adopts the
// predecessor's node, which nobody references any more. Guarantees: mutual
// exclusion, starvation freedom, FIFO admission; one RMW per acquisition and
// a plain store to release, each waiter polling one line written once
// (Craig, "Building FIFO and Priority-Queuing Spin Locks from Atomic Swap",
// TR 93-02-02, U. Washington 1993; Magnusson, Landin & Hagersten, "Queue
// Locks on Cache Coherent Multiprocessors", IPPS 1994).
//
// Nodes without a lock()/unlock() argument: because nodes migrate between
// threads (and, through a thread, between locks), they are heap-allocated and
// each thread keeps a free list of the nodes it currently owns. lock() takes
// one (allocating only when the list is empty) and records it and the
// predecessor's node in the lock; only the holder writes these (after it
// acquires) and reads them (in unlock), so the lock's own hand-off orders
// those accesses. unlock() clears its node and puts the predecessor's node on
// its own free list. A thread holding several CLH locks at once uses one node
// per lock, in any release order. Node count is conserved: each lock owns the
// one node left in `tail_` (freed by the destructor, which requires the lock
// to be free), each thread frees its free list at exit. unlock() must be
// called by the thread that called lock().
//
// Layout: nodes are padded to a cache line so the flag a successor polls
// shares its line with nothing else; `tail_` (swapped by every arrival) and
// the holder's fields (written once per acquisition) live on separate lines.
#include <atomic>
#include <utility>

namespace contend {

namespace clh_detail {

struct alignas(64) Node {
    std::atomic<bool> locked{false};
    Node* next_free = nullptr;  // only while on a thread's free list
};

struct FreeList {
    Node* head = nullptr;

    FreeList() = default;
    FreeList(const FreeList&) = delete;
    FreeList& operator=(const FreeList&) = delete;
    ~FreeList() {
        while (head != nullptr) delete std::exchange(head, head->next_free);
    }

    Node* take() {
        if (head == nullptr) return new Node;
        return std::exchange(head, head->next_free);
    }
    void give(Node* n) {
        n->next_free = head;
        head = n;
    }
};

// One free list per thread, shared by every ClhLock<Relax> instantiation.
inline thread_local FreeList free_nodes;

}  // namespace clh_detail

template <class Relax>
class ClhLock {
  public:
    ClhLock() : tail_(new clh_detail::Node) {}
    ~ClhLock() { delete tail_.load(std::memory_order_relaxed); }
    ClhLock(const ClhLock&) = delete;
    ClhLock& operator=(const ClhLock&) = delete;

    void lock() noexcept {
        clh_detail::Node* me = clh_detail::free_nodes.take();
        me->locked.store(true, std::memory_order_relaxed);
        // acq_rel: release publishes locked=true to the successor that finds
        // the node through tail_; acquire makes the predecessor node's
        // history visible before we poll it.
        clh_detail::Node* pred = tail_.exchange(me, std::memory_order_acq_rel);
        while (pred->locked.load(std::memory_order_acquire)) Relax::wait(pred->locked, true);
        holder_ = me;
        holder_pred_ = pred;
    }

    void unlock() noexcept {
        clh_detail::Node* me = holder_;
        clh_detail::Node* pred = holder_pred_;
        me->locked.store(false, std::memory_order_release);
        clh_detail::free_nodes.give(pred);
    }

  private:
    alignas(64) std::atomic<clh_detail::Node*> tail_;
    alignas(64) clh_detail::Node* holder_ = nullptr;
    clh_detail::Node* holder_pred_ = nullptr;
};

}  // namespace contend
