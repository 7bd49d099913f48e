#pragma once
// sharded_counter — one padded atomic per CPU (the shard count is the
// configured CPU count rounded up to a power of two); a thread adds to the
// shard of the CPU it is running on, as read by sched_getcpu() (glibc 2.35+
// answers from the rseq area the kernel keeps current: a load, no syscall).
// This is the user-space form of the kernel's per-CPU counters. Threads on
// different CPUs never share a shard, so increments scale like padded slots,
// and the memory is bounded by CPUs, not threads — which is what makes it
// fit for thousands of threads or short-lived ones. Because a thread can
// migrate between reading its CPU and adding (or two oversubscribed threads
// can share a CPU), the add must be an atomic fetch_add; it is almost always
// uncontended, so its line stays in the local cache. Reads sum every shard.
// Choosing the shard by a hash of the thread id instead would avoid the CPU
// lookup, but two threads with colliding hashes on different cores would
// then false-share a shard for their whole life.
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "suites/threads/tls_counter_concept.hpp"

namespace contend::tls {

class ShardedCounter {
  public:
    static constexpr bool kLiveRead = true;

    struct alignas(kPaddedSlotBytes) Shard {
        std::atomic<std::uint64_t> value{0};
    };

    class Writer {
      public:
        Writer(Shard* shards, std::size_t mask) : shards_(shards), mask_(mask) {}
        void increment() noexcept {
            // -1 (no CPU known) maps to the last shard: still exact, just shared.
            const auto cpu = static_cast<std::size_t>(sched_getcpu());
            shards_[cpu & mask_].value.fetch_add(1, std::memory_order_relaxed);
        }

      private:
        Shard* shards_;
        std::size_t mask_;
    };

    explicit ShardedCounter(int /*threads*/)
        : n_(std::bit_ceil(configured_cpus())), shards_(new Shard[n_]) {}
    Writer writer(int /*tid*/) { return Writer(shards_.get(), n_ - 1); }
    void retire(Writer&) {}
    std::uint64_t read() const noexcept {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < n_; ++i)
            sum += shards_[i].value.load(std::memory_order_relaxed);
        return sum;
    }
    std::uint64_t total() const noexcept { return read(); }
    std::size_t footprint_bytes() const noexcept { return n_ * sizeof(Shard); }
    std::size_t shards() const noexcept { return n_; }

  private:
    static std::size_t configured_cpus() {
        const long n = sysconf(_SC_NPROCESSORS_CONF);
        return n > 0 ? static_cast<std::size_t>(n) : 1;
    }
    std::size_t n_;
    std::unique_ptr<Shard[]> shards_;
};

static_assert(LiveReadCounter<ShardedCounter>);

}  // namespace contend::tls
