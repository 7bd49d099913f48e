#pragma once
// shared_atomic — the baseline: one std::atomic<uint64_t> that every thread
// increments with fetch_add (a locked read-modify-write: `lock xadd` on
// x86-64, LDADD or an LL/SC loop on AArch64). Every increment needs the one
// cache line in exclusive state, so with n writers the line migrates between
// cores on nearly every operation and throughput stops scaling at one core's
// worth or falls below it. Reads are one load: the cheapest exact live total.
#include <atomic>
#include <cstdint>

#include "suites/threads/tls_counter_concept.hpp"

namespace contend::tls {

class SharedAtomicCounter {
  public:
    static constexpr bool kLiveRead = true;

    class Writer {
      public:
        explicit Writer(std::atomic<std::uint64_t>& c) : c_(&c) {}
        void increment() noexcept { c_->fetch_add(1, std::memory_order_relaxed); }

      private:
        std::atomic<std::uint64_t>* c_;
    };

    explicit SharedAtomicCounter(int /*threads*/) {}
    Writer writer(int /*tid*/) { return Writer(line_.value); }
    void retire(Writer&) {}
    std::uint64_t read() const noexcept { return line_.value.load(std::memory_order_relaxed); }
    std::uint64_t total() const noexcept { return read(); }
    std::size_t footprint_bytes() const noexcept { return sizeof(line_); }

  private:
    // Alone on its lines, so nothing else the benchmark touches shares them.
    struct alignas(kPaddedSlotBytes) Line {
        std::atomic<std::uint64_t> value{0};
    };
    Line line_;
};

static_assert(LiveReadCounter<SharedAtomicCounter>);

}  // namespace contend::tls
