#pragma once
// treiber_stack — Treiber's lock-free LIFO stack.
//
// Algorithm: R. K. Treiber, "Systems Programming: Coping with Parallelism",
// IBM Almaden RJ 5118, 1986. A singly linked list whose top is swung by CAS:
// push links the new node to the current top and CASes it in; pop CASes the
// top to the top's successor. Guarantees: linearizable LIFO, lock-free apart
// from the allocator (one `new` per push, one deferred `delete` per pop).
//
// ABA and reclamation: the classic pop bug is reading top A and its successor
// B, then A being popped, freed, reallocated and pushed again, so the CAS
// A -> B succeeds with a stale B. Here pop holds a hazard pointer on A
// (hazard_pointers.hpp, Michael 2004): A is not freed, hence not reused,
// while the CAS may still compare against it, and a popped node is retired,
// never pushed again. The same hazard makes reading A->next safe, and `next`
// never changes once a node is published, so it needs no atomic. Push
// dereferences nothing shared and needs no hazard.
//
// Memory orderings: the push CAS is release (publishes the node's value and
// next); pop's loads of top_ are seq_cst (they are the hazard validation,
// which also acquires the node) and its CAS is seq_cst (it unlinks: the
// store-load handshake with hazard publishers needs the single total order).
#include <atomic>
#include <cstddef>
#include <type_traits>

#include "suites/queues/primitives/hazard_pointers.hpp"

namespace contend::queues {

template <class T>
class TreiberStack {
    static_assert(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>,
                  "TreiberStack carries trivially copyable messages");

    struct Node {
        Node* next = nullptr;
        T value{};
    };
    using Domain = HazardDomain<Node, 1>;

  public:
    using ReclamationStats = typename Domain::Stats;

    // Unbounded: the capacity argument is ignored.
    explicit TreiberStack(std::size_t /*capacity*/) {}

    TreiberStack(const TreiberStack&) = delete;
    TreiberStack& operator=(const TreiberStack&) = delete;

    // No thread may be using the stack.
    ~TreiberStack() {
        Node* n = top_.load(std::memory_order_relaxed);
        while (n != nullptr) {
            Node* next = n->next;
            delete n;
            n = next;
        }
    }

    bool try_push(const T& item) {
        Node* node = new Node;
        node->value = item;
        node->next = top_.load(std::memory_order_relaxed);
        // On failure the CAS reloads the top into node->next, still private.
        while (!top_.compare_exchange_weak(node->next, node, std::memory_order_release,
                                           std::memory_order_relaxed)) {
        }
        return true;
    }

    bool try_pop(T& out) {
        typename Domain::Guard hp(hazards_);
        for (;;) {
            Node* top = hp.protect(0, top_);
            if (top == nullptr) return false;
            Node* next = top->next;
            if (top_.compare_exchange_weak(top, next, std::memory_order_seq_cst,
                                           std::memory_order_relaxed)) {
                // Ours now: nobody else can retire it, so the hazard can go
                // before retire() (a scan would otherwise keep it).
                out = top->value;
                hp.clear();
                hp.retire(top);
                return true;
            }
        }
    }

    ReclamationStats reclamation_stats() const { return hazards_.stats(); }
    static std::size_t retire_threshold() { return Domain::retire_threshold(); }

  private:
    alignas(64) std::atomic<Node*> top_{nullptr};
    alignas(64) Domain hazards_;
};

}  // namespace contend::queues
