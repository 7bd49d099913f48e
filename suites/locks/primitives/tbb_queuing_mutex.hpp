#pragma once
// tbb_queuing_mutex — adapter over oneapi::tbb::queuing_mutex.
//
// oneTBB's queuing mutex is an MCS-style queue lock: FIFO admission, each
// waiter spinning (back-off, then yield; never a kernel sleep) on a flag in
// its own queue node. Guarantees: mutual exclusion, starvation freedom, FIFO.
//
// Its only interface is scoped_lock, which *is* the queue node: it must stay
// at one address from acquire() until release() returns, waiters need their
// own while the holder has one, and the successor writes into the holder's.
// So a single scoped_lock stored in the adapter cannot serve as the node
// (two concurrent lock() calls would share it). Instead each thread owns a
// small pool of scoped_locks (one per queuing mutex it holds at once, any
// release order; heap-allocated beyond kPoolSlots) and the adapter records the
// holder's one in `holder_`, written after acquiring and read before
// releasing, only by the holder. unlock() must be called by the locking
// thread. A scoped_lock is reusable once release() returns.
#include <oneapi/tbb/queuing_mutex.h>

#include <bit>
#include <cstdint>

namespace contend {

namespace tbb_queuing_detail {

using Node = oneapi::tbb::queuing_mutex::scoped_lock;

struct NodePool {
    static constexpr unsigned kPoolSlots = 8;

    Node nodes[kPoolSlots];
    std::uint32_t used = 0;  // bit i set: nodes[i] is in a queue

    Node* take() {
        const unsigned i = static_cast<unsigned>(std::countr_one(used));
        if (i >= kPoolSlots) return new Node;
        used |= 1u << i;
        return &nodes[i];
    }
    void give_back(Node* n) {
        for (unsigned i = 0; i < kPoolSlots; ++i) {
            if (n == &nodes[i]) {
                used &= ~(1u << i);
                return;
            }
        }
        delete n;
    }
};

inline thread_local NodePool pool;

}  // namespace tbb_queuing_detail

class TbbQueuingMutexLock {
  public:
    TbbQueuingMutexLock() = default;
    TbbQueuingMutexLock(const TbbQueuingMutexLock&) = delete;
    TbbQueuingMutexLock& operator=(const TbbQueuingMutexLock&) = delete;

    void lock() {
        tbb_queuing_detail::Node* node = tbb_queuing_detail::pool.take();
        node->acquire(mu_);
        holder_ = node;
    }
    void unlock() {
        tbb_queuing_detail::Node* node = holder_;
        node->release();
        tbb_queuing_detail::pool.give_back(node);
    }

  private:
    oneapi::tbb::queuing_mutex mu_;
    tbb_queuing_detail::Node* holder_ = nullptr;
};

}  // namespace contend
