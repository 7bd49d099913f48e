#pragma once
// shm_ring — a single-producer single-consumer ring between two processes, in
// a MAP_SHARED|MAP_ANONYMOUS mapping made before fork (no name at all, so
// nothing to leave behind: the pages go when the last process holding them
// goes).
//
// Algorithm: Lamport's bounded SPSC ring (1983) with free-running 32-bit
// indices (tail − head is the fill level, modulo 2^32; the capacity is a power
// of two so a slot is index & mask). The producer owns `tail`, the consumer
// `head`, each on its own pair of cache lines (128 bytes apart, so the
// adjacent-line prefetcher does not couple them). Each side keeps a cached
// copy of the other's index in its own, process-private memory and reloads it
// only when the ring looks full (producer) or empty (consumer), so in steady
// state an operation touches the shared index lines about once per lap, not
// once per message (Rigtorp's "cached indices"). Release on the index store /
// acquire on its load publish the slot's bytes.
//
// Waiting: ShmWait::Spin spins with `pause`. ShmWait::Futex spins a little,
// then sleeps in a shared futex on an event counter: the waiter raises its
// "sleeping" flag, reads the counter, re-checks the ring and sleeps only if
// the counter is unchanged; the other side publishes its index with a
// seq_cst store, reads the flag, and only if it is up bumps the counter and
// wakes. All of these are seq_cst operations, so (Dekker) either the waiter's
// re-check sees the new index or the publisher sees the flag; a wake that
// races the sleep changes the counter, so the futex refuses to sleep. That
// costs the futex variant one locked instruction per operation (the seq_cst
// store); the spin variant publishes with a plain release store.
// Either way a dead peer is noticed through a PeerLink (checked every few
// thousand spins, and after every timed-out sleep), so a wait never outlives
// the peer: a sender gets false once the ring is full and nobody drains it, a
// receiver gets the messages that were left and then false.
//
// Bounded: yes. Capacity: the requested number rounded up to a power of two
// (1..2^30); capacity() reports it. Blocking: Spin no (never sleeps), Futex yes
// (after ~1000 spins). Max message size: any (slots are message-sized; the
// mapping is capacity × message bytes). Lock-free: yes for Spin (a stalled
// side never prevents the other from finishing its current operation, only
// from finding room or data).
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "harness/relax.hpp"
#include "suites/queues/ipc/peer_link.hpp"
#include "suites/queues/ipc/shared_futex.hpp"
#include "suites/queues/ipc/shared_mapping.hpp"

namespace contend::queues::ipc {

enum class ShmWait { Spin, Futex };

template <ShmWait W>
class BasicShmRing {
  public:
    static constexpr const char* kName = W == ShmWait::Spin ? "shm_ring" : "shm_ring_futex";
    static constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;

    // Throws std::invalid_argument (capacity 0 or above 2^30, message size 0)
    // or std::system_error (mmap).
    BasicShmRing(std::size_t capacity, std::size_t message_size)
        : capacity_(checked_capacity(capacity)),
          mask_(capacity_ - 1),
          size_(checked_size(message_size)),
          map_(kSlotsOffset + capacity_ * size_),
          ctl_(::new (map_.data()) Control),
          slots_(static_cast<std::byte*>(map_.data()) + kSlotsOffset) {}
    BasicShmRing(const BasicShmRing&) = delete;
    BasicShmRing& operator=(const BasicShmRing&) = delete;

    void become_sender() noexcept { link_.keep_sender_end(); }
    void become_receiver() noexcept { link_.keep_receiver_end(); }

    bool send(const void* msg) noexcept {
        if (sending_closed_) return false;
        if (tail_ - head_cache_ == capacity_) [[unlikely]]
            if (!wait_for_space()) return false;
        std::memcpy(slot(tail_), msg, size_);
        ctl_->tail.store(++tail_, kPublish);
        if constexpr (W == ShmWait::Futex)
            wake_if_sleeping(ctl_->consumer_sleeping, ctl_->data_ready);
        return true;
    }

    bool receive(void* msg) noexcept {
        if (head_ == tail_cache_) [[unlikely]]
            if (!wait_for_data()) return false;
        std::memcpy(msg, slot(head_), size_);
        ctl_->head.store(++head_, kPublish);
        if constexpr (W == ShmWait::Futex)
            wake_if_sleeping(ctl_->producer_sleeping, ctl_->space_ready);
        return true;
    }

    void close_sending() noexcept {
        if (sending_closed_) return;
        sending_closed_ = true;
        ctl_->closed.store(1, std::memory_order_seq_cst);
        // Even the spin variant checks: once per channel, and harmless.
        wake_if_sleeping(ctl_->consumer_sleeping, ctl_->data_ready);
    }

    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t message_size() const noexcept { return size_; }

  private:
    static constexpr std::size_t kLine = 128;         // two cache lines: see above
    static constexpr unsigned kLivenessEvery = 4096;  // spins between peer checks
    static constexpr unsigned kSpinsBeforeSleep = 1024;
    static constexpr long kSleepNs = 10'000'000;  // bounds how late a dead peer is seen
    static constexpr std::memory_order kPublish =
        W == ShmWait::Futex ? std::memory_order_seq_cst : std::memory_order_release;

    struct Control {
        alignas(kLine) std::atomic<std::uint32_t> head{0};  // consumer writes
        alignas(kLine) std::atomic<std::uint32_t> tail{0};  // producer writes
        std::atomic<std::uint32_t> closed{0};               // producer writes, once
        // Futex variant only; off the hot index lines, written only around sleeps.
        alignas(kLine) std::atomic<std::uint32_t> consumer_sleeping{0};
        std::atomic<std::uint32_t> data_ready{0};  // event counter the consumer sleeps on
        alignas(kLine) std::atomic<std::uint32_t> producer_sleeping{0};
        std::atomic<std::uint32_t> space_ready{0};  // event counter the producer sleeps on
    };
    static constexpr std::size_t kSlotsOffset = (sizeof(Control) + kLine - 1) / kLine * kLine;

    static std::size_t checked_capacity(std::size_t c) {
        if (c == 0 || c > kMaxCapacity)
            throw std::invalid_argument("shm_ring: capacity must be within 1..2^30 messages");
        return std::bit_ceil(c);
    }
    static std::size_t checked_size(std::size_t s) {
        if (s == 0) throw std::invalid_argument("shm_ring: message size must be at least 1 byte");
        return s;
    }

    std::byte* slot(std::uint32_t index) const noexcept { return slots_ + (index & mask_) * size_; }

    // Called right after a seq_cst publication (index or closed flag).
    static void wake_if_sleeping(std::atomic<std::uint32_t>& sleeping,
                                 std::atomic<std::uint32_t>& event) noexcept {
        if (sleeping.load(std::memory_order_seq_cst)) {
            event.fetch_add(1, std::memory_order_seq_cst);
            futex_wake_shared(event, 1);
        }
    }

    // One sleep of the futex variant; false if it timed out and the peer is gone.
    template <class Ready>
    bool sleep(std::atomic<std::uint32_t>& sleeping, std::atomic<std::uint32_t>& event,
               Ready ready) noexcept {
        sleeping.store(1, std::memory_order_seq_cst);
        const std::uint32_t seen = event.load(std::memory_order_seq_cst);
        bool alive = true;  // ready() re-checks with seq_cst loads (see the top)
        if (!ready() && !futex_wait_shared(event, seen, kSleepNs)) alive = !link_.peer_gone();
        sleeping.store(0, std::memory_order_relaxed);
        return alive;
    }

    [[gnu::noinline]] bool wait_for_space() noexcept {
        auto has_room = [&](std::memory_order order = std::memory_order_acquire) {
            head_cache_ = ctl_->head.load(order);
            return tail_ - head_cache_ != capacity_;
        };
        for (unsigned spins = 1;; ++spins) {
            if (has_room()) return true;
            if (spins % kLivenessEvery == 0 && link_.peer_gone()) return false;
            if constexpr (W == ShmWait::Futex) {
                if (spins >= kSpinsBeforeSleep) {
                    if (!sleep(ctl_->producer_sleeping, ctl_->space_ready,
                               [&] { return has_room(std::memory_order_seq_cst); }))
                        return false;
                    continue;
                }
            }
            relax::Pause::cpu();
        }
    }

    [[gnu::noinline]] bool wait_for_data() noexcept {
        auto has_data = [&](std::memory_order order = std::memory_order_acquire) {
            tail_cache_ = ctl_->tail.load(order);
            return tail_cache_ != head_;
        };
        auto closed = [&](std::memory_order order = std::memory_order_acquire) {
            return ctl_->closed.load(order) != 0;
        };
        for (unsigned spins = 1;; ++spins) {
            if (has_data()) return true;
            // closed is stored after the last tail, so re-read tail after it.
            if (closed()) return has_data();
            if (spins % kLivenessEvery == 0 && link_.peer_gone()) return has_data();
            if constexpr (W == ShmWait::Futex) {
                if (spins >= kSpinsBeforeSleep) {
                    if (!sleep(ctl_->consumer_sleeping, ctl_->data_ready, [&] {
                            return has_data(std::memory_order_seq_cst) ||
                                   closed(std::memory_order_seq_cst);
                        }))
                        return has_data();
                    continue;
                }
            }
            relax::Pause::cpu();
        }
    }

    const std::uint32_t capacity_, mask_;
    const std::size_t size_;
    SharedMapping map_;
    Control* ctl_;
    std::byte* slots_;
    PeerLink link_;
    // Process-private after fork: each side's own index and its cached copy
    // of the other's.
    std::uint32_t tail_ = 0, head_cache_ = 0;  // producer
    std::uint32_t head_ = 0, tail_cache_ = 0;  // consumer
    bool sending_closed_ = false;
};

using ShmRingChannel = BasicShmRing<ShmWait::Spin>;
using ShmRingFutexChannel = BasicShmRing<ShmWait::Futex>;

}  // namespace contend::queues::ipc
