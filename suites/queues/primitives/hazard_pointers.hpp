#pragma once
// hazard_pointers — safe memory reclamation for lock-free linked structures.
//
// Algorithm: Michael, "Hazard Pointers: Safe Memory Reclamation for Lock-Free
// Objects", IEEE TPDS 15(6), 2004. Before dereferencing a shared node a thread
// publishes its address in one of its K hazard slots and re-reads the source
// to check the node is still reachable. A thread that unlinks a node retires
// it to its own list; once the list reaches R entries it scans every
// thread's hazard slots and frees the retired nodes nobody has published.
// With R = 2H + 64 (H = K x threads ever registered at once) each scan frees
// at least H + 64 nodes, so scanning costs O(log H) amortised per retire and
// at most R - 1 nodes per thread wait unfreed. A published node is never
// freed, so a protected pointer also cannot be recycled at the same address:
// a CAS that compares it cannot suffer ABA.
//
// Organisation:
// - Threads get a process-wide id in [0, kMaxHazardThreads) on first use,
//   returned when the thread exits (a thread_local's destructor); ids are
//   reused, so the tables are sized by concurrent, not total, threads.
// - Each HazardDomain (one per queue) holds, per id, a cache line of K hazard
//   slots and a retired list. A retired list belongs to the id, not the
//   thread: a thread that exits leaves it for the next holder of the id, or
//   for the domain's destructor, which frees everything still retired. That
//   keeps everything a queue retired inside that queue, so nothing outlives it
//   and no thread ever touches another thread's list.
//
// Memory orderings: publishing a hazard and then re-reading the source, against
// unlinking a node and then reading the hazards, is a store-load (Dekker)
// pattern; only seq_cst orders it. So hazard stores, the validating re-read,
// the unlinking CAS (in the user) and the scan's hazard loads are seq_cst:
// either the scan sees the hazard, or the re-read sees the node unlinked and
// the protector retries. (seq_cst operations, not fences: ThreadSanitizer does
// not model fences.) Clearing a hazard is a release store, so the protector's
// reads of the node happen before a scan that then sees the slot empty frees it.
//
// Progress: protect() retries only while the source keeps changing
// (lock-free); retire() and scans are bounded; registering a thread and the
// allocator are not lock-free.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

namespace contend::queues {

inline constexpr std::size_t kMaxHazardThreads = 256;

namespace hazard_detail {

inline std::atomic<bool> id_in_use[kMaxHazardThreads]{};
// One past the highest id handed out so far: scans read only that many rows.
inline std::atomic<std::size_t> id_high_water{0};
// Constant-initialised, so reading it needs no TLS guard on the hot path.
inline constinit thread_local int thread_id = -1;

struct IdRelease {
    ~IdRelease() {
        if (thread_id >= 0) {
            // release: this thread's last use of its rows in every domain
            // happens before the next holder of the id touches them.
            id_in_use[thread_id].store(false, std::memory_order_release);
            thread_id = -1;
        }
    }
};

inline int register_thread() {
    for (std::size_t i = 0; i < kMaxHazardThreads; ++i) {
        bool expected = false;
        if (id_in_use[i].load(std::memory_order_relaxed)) continue;
        if (!id_in_use[i].compare_exchange_strong(expected, true, std::memory_order_acquire)) {
            continue;
        }
        // seq_cst: a scan that misses this raise (and so the new id's hazards)
        // precedes, in the single total order, every hazard this thread will
        // publish, so that thread's validating re-read sees what the scan's
        // owner unlinked.
        std::size_t high = id_high_water.load(std::memory_order_seq_cst);
        while (high < i + 1 &&
               !id_high_water.compare_exchange_weak(high, i + 1, std::memory_order_seq_cst)) {
        }
        thread_id = static_cast<int>(i);
        static thread_local IdRelease release_at_exit;
        (void)release_at_exit;
        return thread_id;
    }
    throw std::length_error("hazard pointers: more than 256 threads at once");
}

inline std::size_t current_thread_id() {
    const int id = thread_id;
    return static_cast<std::size_t>(id >= 0 ? id : register_thread());
}

}  // namespace hazard_detail

// Node must be a complete type allocated with `new`; retired nodes are freed
// with `delete`.
template <class Node, std::size_t K>
class HazardDomain {
    static constexpr std::size_t kLine = 64;
    static constexpr std::size_t kScanSlack = 64;

    // Written by the owning thread on every operation, read by scans.
    struct alignas(kLine) HazardRow {
        std::atomic<Node*> slot[K]{};
    };
    // Touched by the owning thread only (and read by stats()).
    struct alignas(kLine) RetiredList {
        std::vector<Node*> nodes;
        std::vector<Node*> hazards;  // scratch for scans, kept to avoid reallocating
        // Single writer, so plain relaxed stores; atomic only so stats() can
        // read them from another thread.
        std::atomic<std::size_t> pending{0};
        std::atomic<std::size_t> freed{0};
    };

  public:
    struct Stats {
        std::size_t pending = 0;  // retired, not yet freed
        std::size_t freed = 0;    // freed by scans while the domain lived
    };

    HazardDomain()
        : rows_(new HazardRow[kMaxHazardThreads]), retired_(new RetiredList[kMaxHazardThreads]) {}

    HazardDomain(const HazardDomain&) = delete;
    HazardDomain& operator=(const HazardDomain&) = delete;

    // No thread may be using the domain: everything retired is freed.
    ~HazardDomain() {
        for (std::size_t i = 0; i < kMaxHazardThreads; ++i) {
            for (Node* n : retired_[i].nodes) delete n;
        }
    }

    // The calling thread's hazard slots for one operation; all are cleared
    // when it goes out of scope.
    class Guard {
      public:
        explicit Guard(HazardDomain& domain)
            : domain_(domain), id_(hazard_detail::current_thread_id()) {}
        ~Guard() { clear(); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;

        // Publishes src's current node in slot i and returns it once src is
        // seen still holding it after publication; from then until the slot
        // changes, the node is not freed.
        Node* protect(std::size_t i, const std::atomic<Node*>& src) {
            Node* p = src.load(std::memory_order_relaxed);
            for (;;) {
                row().slot[i].store(p, std::memory_order_seq_cst);
                Node* again = src.load(std::memory_order_seq_cst);
                if (again == p) return p;
                p = again;
            }
        }

        // Publishes p in slot i; the caller validates (with a seq_cst load)
        // that p is still reachable before dereferencing it.
        void publish(std::size_t i, Node* p) { row().slot[i].store(p, std::memory_order_seq_cst); }

        void clear() {
            for (auto& s : row().slot) s.store(nullptr, std::memory_order_release);
        }

        // p has been unlinked (by a seq_cst RMW in this thread); frees it once
        // no hazard slot holds it.
        void retire(Node* p) { domain_.retire(id_, p); }

      private:
        HazardRow& row() { return domain_.rows_[id_]; }

        HazardDomain& domain_;
        const std::size_t id_;
    };

    // The list length that triggers a scan, for the current thread count.
    static std::size_t retire_threshold() {
        return 2 * K * hazard_detail::id_high_water.load(std::memory_order_relaxed) + kScanSlack;
    }

    // A snapshot summed over all ids; exact once the threads using the
    // domain have stopped.
    Stats stats() const {
        Stats s;
        for (std::size_t i = 0; i < kMaxHazardThreads; ++i) {
            s.pending += retired_[i].pending.load(std::memory_order_relaxed);
            s.freed += retired_[i].freed.load(std::memory_order_relaxed);
        }
        return s;
    }

  private:
    void retire(std::size_t id, Node* p) {
        RetiredList& list = retired_[id];
        list.nodes.push_back(p);
        if (list.nodes.size() >= retire_threshold()) scan(list);
        list.pending.store(list.nodes.size(), std::memory_order_relaxed);
    }

    void scan(RetiredList& list) {
        const std::size_t rows = hazard_detail::id_high_water.load(std::memory_order_seq_cst);
        std::vector<Node*>& hazards = list.hazards;
        hazards.clear();
        for (std::size_t i = 0; i < rows; ++i) {
            for (const auto& s : rows_[i].slot) {
                if (Node* h = s.load(std::memory_order_seq_cst)) hazards.push_back(h);
            }
        }
        std::sort(hazards.begin(), hazards.end(), std::less<Node*>{});
        std::size_t kept = 0;
        std::size_t freed = 0;
        for (Node* n : list.nodes) {
            if (std::binary_search(hazards.begin(), hazards.end(), n, std::less<Node*>{})) {
                list.nodes[kept++] = n;
            } else {
                delete n;
                ++freed;
            }
        }
        list.nodes.resize(kept);
        list.freed.store(list.freed.load(std::memory_order_relaxed) + freed,
                         std::memory_order_relaxed);
    }

    const std::unique_ptr<HazardRow[]> rows_;
    const std::unique_ptr<RetiredList[]> retired_;
};

}  // namespace contend::queues
