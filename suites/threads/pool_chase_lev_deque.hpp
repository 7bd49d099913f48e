#pragma once
// The per-worker deque of the work-stealing pool: Chase and Lev's dynamic
// circular work-stealing deque (SPAA 2005), with the C11 memory orderings of
// Lê, Pop, Cohen and Zappa Nardelli, "Correct and Efficient Work-Stealing
// for Weak Memory Models" (PPoPP 2013). The owner pushes and pops at the
// bottom (LIFO: the newest task, whose data is still in cache); thieves take
// from the top (FIFO: the oldest task, in recursive work the biggest piece)
// with one CAS on `top`. Only when one item is left do owner and thief race,
// and both settle it on that same CAS. Owner operations are wait-free; a
// thief that loses a race reports Lost and may retry.
//
// The paper's standalone fences are expressed as sequentially consistent
// operations on top and bottom (same instructions on x86-64: a locked
// exchange instead of mov + mfence), which ThreadSanitizer understands.
// Two departures from the paper, both for a pool of small fixed-size jobs:
// the capacity is fixed (push reports full, and the pool sends the job
// elsewhere) instead of growing the array, and an item is stored as relaxed
// atomic 64-bit words instead of a pointer, so a job needs no allocation. A
// thief may copy a slot that the owner is overwriting; that copy is used only
// if the thief's CAS on `top` then succeeds, which proves the slot was not
// reused (the owner reuses slot t only after top has passed t). Atomic words
// keep that speculative read free of undefined behaviour.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>

namespace contend::pool {

enum class StealResult { Empty, Lost, Taken };

template <class T, std::size_t Capacity>
class ChaseLevDeque {
    static_assert(std::is_trivially_copyable_v<T>, "items are copied word by word");
    static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "power of two");

  public:
    ChaseLevDeque() : cells_(new Cell[Capacity]) {}

    // Owner only. False when full (the caller keeps the item). The new
    // bottom is published with a sequentially consistent store: it makes the
    // item visible to thieves (release) and is the "work is visible" half of
    // the idle-parking handshake (pool_idle_parking.hpp).
    bool push(const T& item) noexcept {
        const std::int64_t b = bottom_.load(std::memory_order_relaxed);
        const std::int64_t t = top_.load(std::memory_order_acquire);
        if (b - t >= static_cast<std::int64_t>(Capacity)) return false;
        store(cells_[index(b)], item);
        bottom_.store(b + 1, std::memory_order_seq_cst);
        return true;
    }

    // Owner only: the newest item, or nothing when empty.
    std::optional<T> pop() noexcept {
        const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
        // Claim slot b before looking at top; the thief reads top before
        // bottom. Sequential consistency orders the two pairs (the paper's
        // full fences, as atomics so that ThreadSanitizer can follow them).
        bottom_.store(b, std::memory_order_seq_cst);
        std::int64_t t = top_.load(std::memory_order_seq_cst);
        if (t > b) {  // was empty
            bottom_.store(b + 1, std::memory_order_release);
            return std::nullopt;
        }
        T item = load(cells_[index(b)]);
        if (t == b) {  // the last item: a thief may be taking it right now
            const bool won = top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                                          std::memory_order_relaxed);
            bottom_.store(b + 1, std::memory_order_release);
            if (!won) return std::nullopt;
        }
        return item;
    }

    // Any thread: the oldest item. Every store to bottom is a release, so
    // whichever one the thief reads, the items below it are visible.
    StealResult steal(T& out) noexcept {
        std::int64_t t = top_.load(std::memory_order_seq_cst);
        const std::int64_t b = bottom_.load(std::memory_order_seq_cst);
        if (t >= b) return StealResult::Empty;
        const T item = load(cells_[index(t)]);
        if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                          std::memory_order_relaxed))
            return StealResult::Lost;
        out = item;
        return StealResult::Taken;
    }

    // A snapshot for heuristics (e.g. how much to take from elsewhere).
    std::size_t size_hint() const noexcept {
        const std::int64_t b = bottom_.load(std::memory_order_relaxed);
        const std::int64_t t = top_.load(std::memory_order_relaxed);
        return b > t ? static_cast<std::size_t>(b - t) : 0;
    }
    static constexpr std::size_t capacity() noexcept { return Capacity; }

  private:
    static constexpr std::size_t kWords = (sizeof(T) + 7) / 8;
    struct Cell {
        std::array<std::atomic<std::uint64_t>, kWords> w;
    };
    static std::size_t index(std::int64_t i) noexcept {
        return static_cast<std::size_t>(i) & (Capacity - 1);
    }
    static void store(Cell& c, const T& item) noexcept {
        std::uint64_t words[kWords] = {};
        std::memcpy(words, &item, sizeof(T));
        for (std::size_t i = 0; i < kWords; ++i) c.w[i].store(words[i], std::memory_order_relaxed);
    }
    static T load(const Cell& c) noexcept {
        std::uint64_t words[kWords];
        for (std::size_t i = 0; i < kWords; ++i) words[i] = c.w[i].load(std::memory_order_relaxed);
        T item;
        std::memcpy(&item, words, sizeof(T));
        return item;
    }

    // top is written by thieves, bottom by the owner: separate lines.
    alignas(128) std::atomic<std::int64_t> top_{0};
    alignas(128) std::atomic<std::int64_t> bottom_{0};
    alignas(128) std::unique_ptr<Cell[]> cells_;
};

}  // namespace contend::pool
