#pragma once
// thread_local_merge — each thread counts in a C++ `thread_local` variable
// (an offset from the thread pointer: %fs on x86-64, TPIDR_EL0 on AArch64)
// and adds it to one shared atomic once, when it retires before joining.
// Increments touch only thread-private memory, so they scale perfectly; the
// price is that no live total exists: the count is exact only after every
// thread has merged, which is why this strategy refuses read_pct > 0.
//
// The increment is kept a real memory update with an empty asm that claims
// to read and write the variable: otherwise the compiler could hold the count
// in a register for the whole loop, and the benchmark would time a register
// add instead of what a counter bumped from other code costs. That update is
// what such code compiles to, `add $1, %fs:offset`, and it is not free: on
// the AMD EPYC (Zen) this was written on, a chain of them ran at ~1.7 ns
// each against ~0.3 ns for the same add through a plain pointer to the same
// variable (store-to-load forwarding through a segment-relative address is
// slower there), so on such CPUs this strategy can trail padded slots even
// though both touch only private lines.
#include <atomic>
#include <cstdint>

#include "suites/threads/tls_counter_concept.hpp"

namespace contend::tls {

// One per thread. A thread runs one counter at a time (retire resets it).
inline thread_local std::uint64_t thread_local_count = 0;

class ThreadLocalMergeCounter {
  public:
    static constexpr bool kLiveRead = false;

    class Writer {
      public:
        void increment() noexcept {
            ++thread_local_count;
            asm volatile("" : "+m"(thread_local_count));
        }
    };

    explicit ThreadLocalMergeCounter(int threads) : threads_(threads) {}
    // Called on the counting thread: whatever an earlier use of this thread
    // left behind would otherwise leak into this count.
    Writer writer(int /*tid*/) {
        thread_local_count = 0;
        return Writer{};
    }
    // Called on the counting thread before it exits: the merge.
    void retire(Writer&) {
        merged_.value.fetch_add(thread_local_count, std::memory_order_relaxed);
        thread_local_count = 0;
    }
    std::uint64_t total() const noexcept { return merged_.value.load(std::memory_order_relaxed); }
    std::size_t footprint_bytes() const noexcept {
        return static_cast<std::size_t>(threads_) * sizeof(std::uint64_t) + sizeof(merged_);
    }

  private:
    struct alignas(kPaddedSlotBytes) Line {
        std::atomic<std::uint64_t> value{0};
    };
    int threads_;
    Line merged_;
};

static_assert(ThreadCounter<ThreadLocalMergeCounter>);

}  // namespace contend::tls
