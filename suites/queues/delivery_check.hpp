#pragma once
// Exactly-once and ordering checks for queue scenarios, cheap enough to run
// inside the measured loop: each consumer keeps, per producer, a count, the
// sum of the sequence numbers it received, a hash of them, and the next
// sequence FIFO allows. No shared writes: consumers never touch each other's
// tallies. After the run the tallies over all consumers (and the final drain)
// must equal those of 0..n-1 for a producer that sent n.
//
// Why a hash beside the sums: a loss hidden by a duplicate keeps the count,
// and sets chosen to match keep the sum and the sum of squares too — losing
// {1, 5, 6} while duplicating {2, 3, 7} does (12 and 62 on both sides). A sum
// of a 64-bit mix of each sequence number (splitmix64's finaliser) is still
// order-free, so it adds across consumers, and no small set collides.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/sample.hpp"

namespace contend::queues {

// splitmix64's finaliser: a bijection of 64-bit integers that spreads every
// input bit over the output.
constexpr std::uint64_t mix_sequence(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

// What one consumer received from one producer. A value type on purpose: a
// consumer that reads a single producer keeps one on its stack, in registers
// across the loop, and hands it to its DeliveryTally after the run (absorb);
// kept in heap memory instead, every item paid five read-modify-writes that a
// release store in try_pop keeps from being hoisted out of the loop.
struct ProducerTally {
    std::uint64_t count = 0, sum = 0, hash = 0;  // modulo 2^64
    std::uint64_t next = 0;                      // FIFO: the next sequence must be at least this
    std::uint64_t late = 0;  // items older than one received before (FIFO promised)

    void receive(std::uint64_t sequence, bool fifo) noexcept {
        // Every item older than one seen before breaks FIFO, so `next` only
        // grows (a late item counts once, and so does each one behind it).
        late += fifo & (sequence < next);
        next = sequence < next ? next : sequence + 1;
        ++count;
        sum += sequence;
        hash += mix_sequence(sequence);
    }
};

class DeliveryTally {
  public:
    explicit DeliveryTally(std::size_t producers) : per_producer_(producers) {}

    // Counts an order violation when `fifo` is promised and this producer's
    // sequence did not increase at this tally.
    void receive(std::uint32_t producer, std::uint64_t sequence, bool fifo) noexcept {
        per_producer_[producer].receive(sequence, fifo);
    }
    // Adds what a consumer tallied for `producer` on its own (see ProducerTally).
    void absorb(std::uint32_t producer, const ProducerTally& t);
    // A drain after the run: every item it finds must be newer than any the
    // consumers got from the same producer (a FIFO queue hands items out in
    // the order they went in, so one left behind is never older).
    void expect_newer_than(const std::vector<DeliveryTally>& consumers) {
        for (const auto& c : consumers)
            for (std::size_t p = 0; p < per_producer_.size(); ++p)
                per_producer_[p].next = std::max(per_producer_[p].next, c.per_producer_[p].next);
    }
    bool knows(std::uint32_t producer) const { return producer < per_producer_.size(); }
    std::uint64_t order_violations() const;
    const std::vector<ProducerTally>& per_producer() const { return per_producer_; }

  private:
    std::vector<ProducerTally> per_producer_;
};

struct DeliveryVerdict {
    bool ok = true;
    std::uint64_t lost_or_duplicated = 0;   // |sent - received| summed over producers
    std::uint64_t checksum_mismatches = 0;  // producers whose sums or hashes disagree
    std::string detail;                     // first problem, one line
};

// Compares what each producer sent (sequence numbers 0..sent-1) with what
// all tallies received.
DeliveryVerdict check_delivery(const std::vector<std::uint64_t>& sent,
                               const std::vector<const DeliveryTally*>& received);

// Records the delivery and FIFO checks in `s` and marks it invalid, with a
// one-line detail, at the first broken promise. `out_of_order` says in words
// what an order violation means in the scenario.
void report_delivery(Sample& s, const DeliveryVerdict& v, bool fifo, std::uint64_t order_violations,
                     const std::string& out_of_order);

}  // namespace contend::queues
