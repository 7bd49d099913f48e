#pragma once
// ms_queue — Michael–Scott unbounded lock-free FIFO queue.
//
// Algorithm: Michael & Scott, "Simple, Fast, and Practical Non-Blocking and
// Blocking Concurrent Queue Algorithms", PODC 1996. A singly linked list with
// a dummy node at the head; push links a node after the last one by CAS on
// its `next`, then swings `tail_`; pop swings `head_` to the dummy's
// successor, which becomes the new dummy. Either operation finishes the other
// threads' lagging `tail_` swing instead of waiting for it. Guarantees:
// linearizable FIFO (so per-producer FIFO too), lock-free apart from the
// allocator: one `new` per push, one `delete` per pop, deferred.
//
// Reclamation: hazard pointers (hazard_pointers.hpp, Michael 2004), two per
// thread, one domain per queue, applied as in section 5 of that paper: push
// protects the tail node it links after; pop protects the head (dummy) and
// its successor, whose value it copies after winning the CAS. The old dummy is
// retired by the thread that unlinked it and freed by a later scan of that
// thread; the destructor frees the list and everything still retired. Since a
// protected node cannot be freed and reused, the CASes on head_/tail_ cannot
// succeed on a recycled address (no ABA).
//
// Memory orderings:
// - head_ and tail_: every load and CAS is seq_cst. They are the sources that
//   hazards are validated against, and hazard validation only works when the
//   unlinking CAS, the validating load and the writes a protector compares
//   against are all in the single seq_cst order (see hazard_pointers.hpp). On
//   x86-64 this costs nothing over acq_rel: RMWs are locked instructions
//   either way and seq_cst loads are plain loads.
// - node->next: the linking CAS is release (publishes the node's value) and
//   loads are acquire (a consumer sees the value of the node it reaches).
#include <atomic>
#include <cstddef>
#include <type_traits>

#include "suites/queues/primitives/hazard_pointers.hpp"

namespace contend::queues {

template <class T>
class MsQueue {
    static_assert(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>,
                  "MsQueue carries trivially copyable messages");

    // Not padded: one allocation per item, and padding would multiply the
    // memory footprint for small messages.
    struct Node {
        std::atomic<Node*> next{nullptr};
        T value{};
    };
    using Domain = HazardDomain<Node, 2>;

  public:
    using ReclamationStats = typename Domain::Stats;

    // Unbounded: the capacity argument is ignored.
    explicit MsQueue(std::size_t /*capacity*/) {
        Node* dummy = new Node;
        head_.store(dummy, std::memory_order_relaxed);
        tail_.store(dummy, std::memory_order_relaxed);
    }

    MsQueue(const MsQueue&) = delete;
    MsQueue& operator=(const MsQueue&) = delete;

    // No thread may be using the queue. Frees the dummy, the unconsumed items
    // (here) and every retired node (the domain's destructor).
    ~MsQueue() {
        Node* n = head_.load(std::memory_order_relaxed);
        while (n != nullptr) {
            Node* next = n->next.load(std::memory_order_relaxed);
            delete n;
            n = next;
        }
    }

    bool try_push(const T& item) {
        Node* node = new Node;
        node->value = item;
        typename Domain::Guard hp(hazards_);
        for (;;) {
            Node* tail = hp.protect(0, tail_);
            Node* next = tail->next.load(std::memory_order_acquire);
            if (next != nullptr) {
                // tail_ lags behind the last node: help it along, then retry.
                tail_.compare_exchange_strong(tail, next, std::memory_order_seq_cst);
                continue;
            }
            if (tail->next.compare_exchange_weak(next, node, std::memory_order_release,
                                                 std::memory_order_relaxed)) {
                // Linked: the push has taken effect. A failed swing means
                // another thread already did it.
                tail_.compare_exchange_strong(tail, node, std::memory_order_seq_cst);
                return true;
            }
        }
    }

    bool try_pop(T& out) {
        typename Domain::Guard hp(hazards_);
        for (;;) {
            Node* head = hp.protect(0, head_);
            Node* tail = tail_.load(std::memory_order_seq_cst);
            Node* next = head->next.load(std::memory_order_acquire);
            // Valid only if head is still the dummy: then `next` cannot have
            // been unlinked before the hazard went up (it follows head).
            hp.publish(1, next);
            if (head_.load(std::memory_order_seq_cst) != head) continue;
            if (next == nullptr) return false;  // head was the last node: empty
            if (head == tail) {
                // Never move head_ past tail_: the old dummy would be freed
                // while tail_ still points at it.
                tail_.compare_exchange_strong(tail, next, std::memory_order_seq_cst);
                continue;
            }
            if (head_.compare_exchange_strong(head, next, std::memory_order_seq_cst)) {
                // `next` is the new dummy; hazard 1 keeps it alive while its
                // value (written before it was linked) is copied.
                out = next->value;
                hp.clear();
                hp.retire(head);
                return true;
            }
        }
    }

    // For tests: how many unlinked nodes wait for reclamation and how many
    // have been freed while the queue ran.
    ReclamationStats reclamation_stats() const { return hazards_.stats(); }
    static std::size_t retire_threshold() { return Domain::retire_threshold(); }

  private:
    // Producers and consumers each swing their own line.
    alignas(64) std::atomic<Node*> head_{nullptr};
    alignas(64) std::atomic<Node*> tail_{nullptr};
    alignas(64) Domain hazards_;
};

}  // namespace contend::queues
