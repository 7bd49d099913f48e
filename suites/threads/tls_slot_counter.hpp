#pragma once
// packed_slots and padded_slots — one slot per thread in an array; a thread
// increments only its own slot, with a plain load and store (single writer:
// no locked instruction needed), and a reader sums every slot.
//
// packed_slots: 8-byte slots side by side, so 8 threads share each 64-byte
// line. No two threads write the same counter, yet every increment still
// needs the shared line in exclusive state: false sharing, the same line
// ping-pong as one shared atomic, without even sharing any data.
// padded_slots: each slot alone on kPaddedSlotBytes, so writers never touch
// a line another writer owns; increments scale with cores. The price is
// memory (128 bytes a thread) and reads that touch one line per thread.
// The gap between the two is the cost of false sharing.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "suites/threads/tls_counter_concept.hpp"

namespace contend::tls {

template <std::size_t SlotBytes>
class SlotCounter {
  public:
    static constexpr bool kLiveRead = true;

    struct alignas(SlotBytes) Slot {
        std::atomic<std::uint64_t> value{0};
    };
    static_assert(sizeof(Slot) == SlotBytes);

    class Writer {
      public:
        explicit Writer(Slot& s) : s_(&s) {}
        // Only this thread writes the slot, so load + store cannot lose an
        // update; relaxed atomics keep the concurrent reader race-free and
        // compile to plain moves.
        void increment() noexcept {
            s_->value.store(s_->value.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed);
        }

      private:
        Slot* s_;
    };

    explicit SlotCounter(int threads)
        : n_(static_cast<std::size_t>(threads)), slots_(new Block[blocks(n_)]) {}
    Writer writer(int tid) { return Writer(slot(static_cast<std::size_t>(tid))); }
    void retire(Writer&) {}
    std::uint64_t read() const noexcept {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < n_; ++i) sum += slot(i).value.load(std::memory_order_relaxed);
        return sum;
    }
    std::uint64_t total() const noexcept { return read(); }
    std::size_t footprint_bytes() const noexcept { return n_ * sizeof(Slot); }

  private:
    // The array starts on a kPaddedSlotBytes boundary, so packed slots 0..7
    // share exactly one 64-byte line whatever the allocator returns.
    struct alignas(kPaddedSlotBytes) Block {
        Slot slots[SlotBytes >= kPaddedSlotBytes ? 1 : kPaddedSlotBytes / SlotBytes];
    };
    static constexpr std::size_t kPerBlock = sizeof(Block) / sizeof(Slot);
    static std::size_t blocks(std::size_t n) { return (n + kPerBlock - 1) / kPerBlock; }
    Slot& slot(std::size_t i) const { return slots_[i / kPerBlock].slots[i % kPerBlock]; }

    std::size_t n_;
    std::unique_ptr<Block[]> slots_;
};

using PackedSlotCounter = SlotCounter<sizeof(std::uint64_t)>;
using PaddedSlotCounter = SlotCounter<kPaddedSlotBytes>;

static_assert(LiveReadCounter<PackedSlotCounter>);
static_assert(LiveReadCounter<PaddedSlotCounter>);

}  // namespace contend::tls
