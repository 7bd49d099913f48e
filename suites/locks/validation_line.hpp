#pragma once
// The lock scenarios' validation word: the first guarded line, the state
// every critical section writes, so the data the lock guards starts here
// (cs_lines counts it). One word, so checking costs one load and two stores,
// none of them atomic RMWs:
//   bit 0       held: set on entry, clear on exit (a second holder sees it)
//   bits 1..15  who acquired last (for handoffs)
//   bits 16..   acquisitions, incremented non-atomically (lost updates show)
// All relaxed: only the lock orders them, and each owner writes the word
// twice (held on entry, count on exit). So the next owner's relaxed load is
// also the weak-memory check: where a lock lacks its acquire/release pair,
// weakly ordered hardware (AArch64, POWER) lets it read the word stale,
// either with the held bit of the previous owner's entry (found held) or
// with a count from before it (a lost update). x86-64 (TSO) cannot reorder
// so, nor can qemu-user on an x86 host. The control is unordered_tas.
#include <atomic>
#include <cstdint>

#include "harness/thread_team.hpp"

namespace contend::locks {

class ValidationLine {
  public:
    static constexpr int kMaxThreads = (1 << 15) - 1;

    struct Entry {
        std::uint64_t word;
        bool was_held, handoff;
    };
    Entry enter(int me) noexcept {
        const std::uint64_t v = state_.load(std::memory_order_relaxed);
        state_.store(v | 1, std::memory_order_relaxed);
        return {v, (v & 1) != 0, ((v >> 1) & kMaxThreads) != static_cast<std::uint64_t>(me)};
    }
    void leave(const Entry& e, int me) noexcept {
        state_.store((((e.word >> 16) + 1) << 16) | (static_cast<std::uint64_t>(me) << 1),
                     std::memory_order_relaxed);
    }
    std::uint64_t acquisitions() const noexcept {
        return state_.load(std::memory_order_relaxed) >> 16;
    }
    // Some thread is inside the critical section (the stall watch's "lock
    // not free"; read only when no thread is running in its operation).
    bool held() const noexcept { return (state_.load(std::memory_order_relaxed) & 1) != 0; }

  private:
    alignas(kCacheLine) std::atomic<std::uint64_t> state_{std::uint64_t{kMaxThreads} << 1};
};

}  // namespace contend::locks
