#pragma once
// The message every in-process queue carries in the queue scenarios: who
// sent it and its sequence number (so delivery can be checked exactly once
// and in order), when it was sent (enqueue→dequeue latency), and a priority
// (for priority queues). `Bytes` is the whole message size, so the
// `payload_bytes` parameter measures what moving bigger messages costs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace contend::queues {

inline constexpr std::size_t kMessageHeaderBytes = 24;

// The message sizes the queue scenarios are compiled for: the choices of
// their `payload_bytes` parameter (CMake: CONTEND_MESSAGE_BYTES). Every queue
// is instantiated for each size in each scenario, in both the measured and
// the stressed context, which makes these instantiations most of the build;
// scripts/sanitize.sh's builds compile only 32, since every size runs the
// same code.
#ifndef CONTEND_MESSAGE_BYTES  // CMake defines it; this is its default
#define CONTEND_MESSAGE_BYTES 32, 64, 256, 1024
#endif
inline constexpr std::size_t kMessageBytes[] = {CONTEND_MESSAGE_BYTES};
inline constexpr std::size_t kDefaultMessageBytes = 32;
static_assert(
    [] {
        for (std::size_t b : kMessageBytes)
            if (b == kDefaultMessageBytes) return true;
        return false;
    }(),
    "CONTEND_MESSAGE_BYTES must include 32, the default message size");

inline std::vector<std::string> message_size_choices() {
    std::vector<std::string> v;
    for (std::size_t b : kMessageBytes) v.push_back(std::to_string(b));
    return v;
}

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

// Returns fn.template operator()<Message<B>>() for the compiled size B that
// `bytes` names (the parameter's choices allow no other).
template <std::size_t K = 0, class Fn>
decltype(auto) with_message_size(std::size_t bytes, Fn&& fn) {
    constexpr std::size_t B = kMessageBytes[K];
    if constexpr (K + 1 < std::size(kMessageBytes))
        if (bytes != B) return with_message_size<K + 1>(bytes, fn);
    return fn.template operator()<Message<B>>();
}

}  // namespace contend::queues
