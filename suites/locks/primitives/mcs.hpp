#pragma once
// mcs — Mellor-Crummey–Scott queue lock.
//
// Algorithm: waiters form a linked queue of per-acquisition nodes. An arriving
// thread swaps its node into `tail_`, links itself behind the previous tail
// and spins on a flag in its *own* node; release hands the lock to the
// successor by clearing that flag (or swings `tail_` back to null when no one
// is queued). Guarantees: mutual exclusion, starvation freedom, FIFO admission;
// each waiter spins on a local line, so a hand-off costs O(1) remote
// references whatever the number of waiters (Mellor-Crummey & Scott,
// "Algorithms for Scalable Synchronization on Shared-Memory
// Multiprocessors", ACM TOCS 1991).
//
// Nodes without a lock()/unlock() argument: the paper passes the node in.
// Here each thread owns a small pool of nodes (thread_local, constant-
// initialised, so no TLS guard on the hot path); lock() takes a free one and
// records it in `holder_`, which only the current holder writes (after it
// acquires) and reads (before it releases), so the lock's own hand-off orders
// those accesses. A thread holding several MCS locks at once therefore uses
// one node per lock, in any release order. Beyond kPoolSlots locks held at
// once by one thread, nodes come from the heap (correct, just slower). A node
// is free again as soon as unlock() returns: after the successor has linked
// itself and been released, nobody else references it. unlock() must be
// called by the thread that called lock() (the node goes back to its pool).
//
// Layout: nodes are padded to a cache line so a waiter's spin line is not
// shared with anything another thread writes; `tail_` (hit by every arrival)
// and `holder_` (written once per acquisition, by the new holder) are on
// separate lines so recording the holder does not steal the line arrivals are
// swapping on.
#include <atomic>
#include <bit>
#include <cstdint>

namespace contend {

namespace mcs_detail {

struct alignas(64) Node {
    std::atomic<Node*> next{nullptr};
    std::atomic<bool> locked{false};
    std::uint8_t slot = 0;  // index in the owner's pool; kHeapSlot if heap-allocated
};

struct NodePool {
    static constexpr unsigned kPoolSlots = 16;
    static constexpr std::uint8_t kHeapSlot = 0xff;

    Node nodes[kPoolSlots];
    std::uint32_t used = 0;  // bit i set: nodes[i] is in a queue

    Node* take() {
        const unsigned i = static_cast<unsigned>(std::countr_one(used));
        if (i >= kPoolSlots) {
            Node* n = new Node;
            n->slot = kHeapSlot;
            return n;
        }
        used |= 1u << i;
        nodes[i].slot = static_cast<std::uint8_t>(i);
        return &nodes[i];
    }
    void give_back(Node* n) {
        if (n->slot == kHeapSlot) {
            delete n;
        } else {
            used &= ~(1u << n->slot);
        }
    }
};

// One pool per thread, shared by every McsLock<Relax> instantiation.
inline constinit thread_local NodePool pool{};

}  // namespace mcs_detail

template <class Relax>
class McsLock {
  public:
    McsLock() = default;
    McsLock(const McsLock&) = delete;
    McsLock& operator=(const McsLock&) = delete;

    void lock() noexcept {
        mcs_detail::Node* me = mcs_detail::pool.take();
        me->next.store(nullptr, std::memory_order_relaxed);
        me->locked.store(true, std::memory_order_relaxed);
        // acq_rel: release publishes the node's reset fields to whoever finds
        // it through tail_; acquire pairs with the previous holder's release
        // when the queue was empty.
        mcs_detail::Node* pred = tail_.exchange(me, std::memory_order_acq_rel);
        if (pred != nullptr) {
            pred->next.store(me, std::memory_order_release);
            while (me->locked.load(std::memory_order_acquire)) Relax::wait(me->locked, true);
        }
        holder_ = me;
    }

    void unlock() noexcept {
        mcs_detail::Node* me = holder_;
        mcs_detail::Node* succ = me->next.load(std::memory_order_acquire);
        if (succ == nullptr) {
            mcs_detail::Node* expected = me;
            if (tail_.compare_exchange_strong(expected, nullptr, std::memory_order_release,
                                              std::memory_order_relaxed)) {
                mcs_detail::pool.give_back(me);
                return;
            }
            // A successor swapped itself into tail_ but has not linked yet.
            while ((succ = me->next.load(std::memory_order_acquire)) == nullptr)
                Relax::wait(me->next, succ);
        }
        succ->locked.store(false, std::memory_order_release);
        mcs_detail::pool.give_back(me);
    }

  private:
    alignas(64) std::atomic<mcs_detail::Node*> tail_{nullptr};
    alignas(64) mcs_detail::Node* holder_ = nullptr;
};

}  // namespace contend
