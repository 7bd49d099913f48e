#include "suites/queues/delivery_check.hpp"

namespace contend::queues {

void DeliveryTally::absorb(std::uint32_t producer, const ProducerTally& t) {
    auto& mine = per_producer_[producer];
    mine.count += t.count;
    mine.sum += t.sum;
    mine.hash += t.hash;
    mine.next = std::max(mine.next, t.next);
    mine.late += t.late;
}

std::uint64_t DeliveryTally::order_violations() const {
    std::uint64_t late = 0;
    for (const auto& t : per_producer_) late += t.late;
    return late;
}

DeliveryVerdict check_delivery(const std::vector<std::uint64_t>& sent,
                               const std::vector<const DeliveryTally*>& received) {
    DeliveryVerdict v;
    for (std::size_t p = 0; p < sent.size(); ++p) {
        ProducerTally got;
        for (const auto* t : received) {
            const auto& x = t->per_producer()[p];
            got.count += x.count;
            got.sum += x.sum;
            got.hash += x.hash;
        }
        // What 0..n-1 sum and hash to, modulo 2^64 like the tallies. The hash
        // takes O(n) here, after the run, instead of any work per item.
        const unsigned __int128 n = sent[p];
        const auto sum = static_cast<std::uint64_t>(n == 0 ? 0 : n * (n - 1) / 2);
        std::uint64_t hash = 0;
        for (std::uint64_t i = 0; i < sent[p]; ++i) hash += mix_sequence(i);
        const std::uint64_t diff = got.count > sent[p] ? got.count - sent[p] : sent[p] - got.count;
        v.lost_or_duplicated += diff;
        const bool sums_ok = got.sum == sum && got.hash == hash;
        v.checksum_mismatches += !sums_ok;
        if ((diff || !sums_ok) && v.ok) {
            v.ok = false;
            v.detail = "producer " + std::to_string(p) + " sent " + std::to_string(sent[p]) +
                       " messages, " + std::to_string(got.count) + " were delivered" +
                       (diff ? "" : " but not exactly once each (sequence checksums differ)");
        }
    }
    return v;
}

void report_delivery(Sample& s, const DeliveryVerdict& v, bool fifo, std::uint64_t order_violations,
                     const std::string& out_of_order) {
    s.checks["lost_or_duplicated"] = v.lost_or_duplicated;
    s.checks["checksum_mismatches"] = v.checksum_mismatches;
    s.checks["order_violations"] = order_violations;
    s.checks["fifo_checked"] = fifo;
    if (!v.ok)
        s.fail("delivery broken: " + v.detail);
    else if (fifo && order_violations)
        s.fail("FIFO broken: " + std::to_string(order_violations) + " " + out_of_order);
}

}  // namespace contend::queues
