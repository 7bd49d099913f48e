#pragma once
// Exactly-once and ordering checks for queue scenarios, cheap enough to run
// inside the measured loop: each consumer keeps, per producer, a count, the
// sum and the sum of squares of the sequence numbers it received, and the
// last one (for FIFO promises). No shared writes: consumers never touch each
// other's tallies. After the run, the tallies over all consumers (and the
// final drain) must equal those of 0..n-1 for a producer that sent n: a lost
// or duplicated message changes the count, and a loss hidden by a duplicate
// changes the sums unless both sequence numbers are equal.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/sample.hpp"

namespace contend::queues {

struct ProducerTally {
    std::uint64_t count = 0, sum = 0, sum_squares = 0;  // modulo 2^64
    std::uint64_t last = UINT64_MAX;                    // last sequence seen; MAX: none yet
};

class DeliveryTally {
  public:
    explicit DeliveryTally(std::size_t producers) : per_producer_(producers) {}

    // Returns false when `fifo` is promised and this producer's sequence did
    // not increase at this consumer.
    bool receive(std::uint32_t producer, std::uint64_t sequence, bool fifo) noexcept {
        auto& t = per_producer_[producer];
        const bool in_order = !fifo || t.last == UINT64_MAX || sequence > t.last;
        t.last = sequence;
        ++t.count;
        t.sum += sequence;
        t.sum_squares += sequence * sequence;
        order_violations_ += !in_order;
        return in_order;
    }
    bool knows(std::uint32_t producer) const { return producer < per_producer_.size(); }
    std::uint64_t order_violations() const { return order_violations_; }
    const std::vector<ProducerTally>& per_producer() const { return per_producer_; }

  private:
    std::vector<ProducerTally> per_producer_;
    std::uint64_t order_violations_ = 0;
};

struct DeliveryVerdict {
    bool ok = true;
    std::uint64_t lost_or_duplicated = 0;   // |sent - received| summed over producers
    std::uint64_t checksum_mismatches = 0;  // producers whose sums disagree
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
