#pragma once
// The message every in-process queue carries in the queue scenarios: who
// sent it and its sequence number (so delivery can be checked exactly once
// and in order), when it was sent (enqueue→dequeue latency), and a priority
// (for priority queues). `Bytes` is the whole message size, so the
// `payload_bytes` parameter measures what moving bigger messages costs.
#include <array>
#include <cstddef>
#include <cstdint>

namespace contend::queues {

inline constexpr std::size_t kMessageHeaderBytes = 24;

template <std::size_t Bytes>
struct Message {
    static_assert(Bytes >= 32, "messages are at least 32 bytes: a 24-byte header and payload");
    std::uint64_t sent_ticks = 0;  // cycle_clock::now() at enqueue
    std::uint64_t sequence = 0;    // per producer, from 0
    std::uint32_t producer = 0;
    std::uint32_t priority = 0;  // larger is more urgent
    std::array<std::byte, Bytes - kMessageHeaderBytes> payload{};

    // Priority queues pop the largest first.
    friend bool operator<(const Message& a, const Message& b) { return a.priority < b.priority; }
};

}  // namespace contend::queues
