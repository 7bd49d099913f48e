#pragma once
// spsc_ring — bounded single-producer single-consumer ring with cached indices.
//
// Algorithm: Lamport's ring ("Specifying Concurrent Program Modules", ACM
// TOPLAS 1983) with free-running head/tail counters over a power-of-two array,
// so all `capacity` slots are usable and full/empty is `tail - head`. Each side
// keeps a private copy of the other side's counter and re-reads the shared one
// only when its copy says full (producer) or empty (consumer), as in Rigtorp's
// SPSCQueue and the "cached indices" of Giacomoni et al.'s FastForward (PPoPP
// 2008): in the steady state an operation touches only its own index line and
// the slot. Guarantees: FIFO; both operations wait-free (bounded steps, no
// retry loop); exactly one producer thread and one consumer thread at a time.
//
// Memory orderings (the only two shared atomics are head_ and tail_):
// - Each side reads its *own* counter relaxed: no other thread writes it.
// - tail_ is stored with release after the slot is written and the consumer
//   loads it with acquire, so a slot's contents are visible before its index
//   says it is full.
// - head_ is stored with release after the slot is read and the producer loads
//   it with acquire, so the consumer's read of a slot happens before the
//   producer overwrites it a lap later.
// No seq_cst is needed: each side only waits on the other's index, never on a
// store-load pattern across two variables.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>

namespace contend::queues {

template <class T>
class SpscRing {
    static_assert(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>,
                  "SpscRing carries trivially copyable messages");

  public:
    // Capacity is rounded up to a power of two so a slot index is a mask, not
    // a division. Zero capacity cannot hold anything and is rejected.
    explicit SpscRing(std::size_t capacity)
        : mask_(round_capacity(capacity) - 1), slots_(allocate(mask_ + 1)) {}

    SpscRing(const SpscRing&) = delete;
    SpscRing& operator=(const SpscRing&) = delete;

    std::size_t capacity() const { return mask_ + 1; }

    // Producer thread only.
    bool try_push(const T& item) {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail - head_cache_ > mask_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (tail - head_cache_ > mask_) return false;
        }
        slots_.get()[tail & mask_] = item;
        tail_.store(tail + 1, std::memory_order_release);
        return true;
    }

    // Consumer thread only.
    bool try_pop(T& out) {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head == tail_cache_) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head == tail_cache_) return false;
        }
        out = slots_.get()[head & mask_];
        head_.store(head + 1, std::memory_order_release);
        return true;
    }

  private:
    static constexpr std::size_t kLine = 64;

    static std::size_t round_capacity(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("SpscRing: capacity must be at least 1");
        if (capacity > (std::numeric_limits<std::size_t>::max() / 2) / sizeof(T)) {
            throw std::length_error("SpscRing: capacity too large");
        }
        return std::bit_ceil(capacity);
    }

    struct Free {
        void operator()(T* p) const { ::operator delete (p, std::align_val_t{kLine}); }
    };

    // The array starts on a line boundary and its size is rounded up to whole
    // lines, so the slots share no line with a neighbouring heap object.
    static std::unique_ptr<T, Free> allocate(std::size_t n) {
        const std::size_t bytes = (n * sizeof(T) + kLine - 1) / kLine * kLine;
        T* p = static_cast<T*>(::operator new (bytes, std::align_val_t{kLine}));
        std::uninitialized_value_construct_n(p, n);
        return std::unique_ptr<T, Free>(p);
    }

    // Producer's line: its index (read by the consumer only when its cache
    // says empty) and its private copy of the consumer's index.
    alignas(kLine) std::atomic<std::size_t> tail_{0};
    std::size_t head_cache_ = 0;
    // Consumer's line, the mirror image.
    alignas(kLine) std::atomic<std::size_t> head_{0};
    std::size_t tail_cache_ = 0;
    // Read by both sides on every operation and written by neither: on a
    // line of its own so neither index line drags it along.
    alignas(kLine) const std::size_t mask_;
    const std::unique_ptr<T, Free> slots_;
};

}  // namespace contend::queues
