#pragma once
// mpmc_ring — bounded multi-producer multi-consumer ring with per-slot
// sequence numbers.
//
// Algorithm: Vyukov's bounded MPMC queue (1024cores.net, 2010). Producers and
// consumers each claim a position by CAS on their own counter; each slot
// carries a sequence number that says whose turn it is: `pos` means free for
// the producer of lap pos, `pos + 1` full for the consumer of that lap,
// `pos + capacity` free again for the next lap. A claimed slot is then
// written or read without further synchronisation.
//
// Guarantees, precisely:
// - Successful operations are linearizable as a FIFO queue, at the CAS that
//   claims the position: items leave in the order their positions were
//   claimed. Hence per-producer FIFO, and every consumer sees every producer's
//   items in increasing order.
// - A *failed* try_pop / try_push is not linearizable: while a producer that
//   claimed position p has not yet published it, consumers report empty even
//   if later positions are full (and producers a lap later report full). For
//   the same reason the ring is not lock-free in the strict sense — a thread
//   suspended between claim and publish holds up the others at that slot —
//   though no call ever waits: try_* retries only a lost CAS.
//
// Memory orderings:
// - Slot sequence: stored with release after the slot's data is written or
//   read, loaded with acquire before claiming, so the data hand-off between
//   the producer and consumer of one slot is ordered by the slot itself.
// - The position counters only hand out tickets; the slot sequence carries all
//   data ordering, so they are relaxed (a stale read just fails the CAS or
//   sees the wrong lap, and the loop reloads).
//
// Layout: each slot is aligned to a cache line. Without padding, neighbouring
// positions — claimed at the same moment by different producers, or by a
// producer and a consumer on a nearly empty ring — share a line and every
// write to one invalidates the other. The cost is memory: a 32-byte message
// plus its 8-byte sequence takes 64 bytes instead of 40; from 64-byte
// messages up the padding is under 56 bytes per slot. Capacity is rounded up
// to a power of two, and to at least 2: with one slot, a full slot's sequence
// (pos + 1) would equal the next producer's position and read as free.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <limits>
#include <memory>
#include <stdexcept>
#include <type_traits>

namespace contend::queues {

template <class T>
class MpmcRing {
    static_assert(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>,
                  "MpmcRing carries trivially copyable messages");

  public:
    explicit MpmcRing(std::size_t capacity)
        : mask_(round_capacity(capacity) - 1), slots_(new Slot[mask_ + 1]) {
        for (std::size_t i = 0; i <= mask_; ++i) {
            slots_[i].sequence.store(i, std::memory_order_relaxed);
        }
    }

    MpmcRing(const MpmcRing&) = delete;
    MpmcRing& operator=(const MpmcRing&) = delete;

    std::size_t capacity() const { return mask_ + 1; }

    bool try_push(const T& item) {
        std::size_t pos = enqueue_pos_.load(std::memory_order_relaxed);
        Slot* slot;
        for (;;) {
            slot = &slots_[pos & mask_];
            const std::size_t seq = slot->sequence.load(std::memory_order_acquire);
            // Signed lap distance; counters wrap modulo 2^64, so compare by
            // difference, never by magnitude.
            const auto dif = static_cast<std::ptrdiff_t>(seq - pos);
            if (dif == 0) {
                if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    break;
                }
            } else if (dif < 0) {
                return false;  // the slot still holds last lap's item: full
            } else {
                pos = enqueue_pos_.load(std::memory_order_relaxed);  // another producer won
            }
        }
        slot->value = item;
        slot->sequence.store(pos + 1, std::memory_order_release);
        return true;
    }

    bool try_pop(T& out) {
        std::size_t pos = dequeue_pos_.load(std::memory_order_relaxed);
        Slot* slot;
        for (;;) {
            slot = &slots_[pos & mask_];
            const std::size_t seq = slot->sequence.load(std::memory_order_acquire);
            const auto dif = static_cast<std::ptrdiff_t>(seq - (pos + 1));
            if (dif == 0) {
                if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    break;
                }
            } else if (dif < 0) {
                return false;  // not yet published for this lap: empty
            } else {
                pos = dequeue_pos_.load(std::memory_order_relaxed);  // another consumer won
            }
        }
        out = slot->value;
        slot->sequence.store(pos + mask_ + 1, std::memory_order_release);
        return true;
    }

  private:
    static constexpr std::size_t kLine = 64;

    struct alignas(kLine) Slot {
        std::atomic<std::size_t> sequence{0};
        T value{};
    };

    static std::size_t round_capacity(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("MpmcRing: capacity must be at least 1");
        if (capacity > (std::numeric_limits<std::size_t>::max() / 2) / sizeof(Slot)) {
            throw std::length_error("MpmcRing: capacity too large");
        }
        return std::bit_ceil(std::max<std::size_t>(capacity, 2));
    }

    // Producers' counter, consumers' counter and the read-only fields each on
    // their own line: producers and consumers never write the same line
    // except through a slot they hand over.
    alignas(kLine) std::atomic<std::size_t> enqueue_pos_{0};
    alignas(kLine) std::atomic<std::size_t> dequeue_pos_{0};
    alignas(kLine) const std::size_t mask_;
    const std::unique_ptr<Slot[]> slots_;
};

}  // namespace contend::queues
