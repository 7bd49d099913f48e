#pragma once
// threads.tls — what every counting strategy offers. A strategy is built for
// a fixed number of threads; each counting thread takes a Writer for itself
// (on that thread: the thread_local strategy binds to the calling thread),
// increments through it, and retires it on the same thread before exiting,
// which is where a strategy that buffers privately publishes its count.
// total() is exact once every writer has retired and the threads are joined.
// A strategy with kLiveRead also answers read() while others count: the
// total as of some moment during the call, never behind what the reading
// thread itself has added, and never lower than an earlier read by the same
// thread (each part only grows, and a thread never reads a part older than
// it did before).
#include <concepts>
#include <cstddef>
#include <cstdint>

namespace contend::tls {

// Slots and shards are padded to 128 bytes, not 64: Intel's L2 spatial
// prefetcher pulls cache lines in adjacent pairs, so two writers 64 bytes
// apart can still slow each other down; AMD's and Arm's lines are 64 bytes
// and lose nothing but memory.
inline constexpr std::size_t kPaddedSlotBytes = 128;

template <class C>
concept ThreadCounter = requires(C& c, const C& cc, typename C::Writer& w, int tid) {
    { c.writer(tid) } -> std::same_as<typename C::Writer>;
    w.increment();
    c.retire(w);
    { cc.total() } -> std::same_as<std::uint64_t>;
    { cc.footprint_bytes() } -> std::same_as<std::size_t>;
    { C::kLiveRead } -> std::convertible_to<bool>;
}
&&std::constructible_from<C, int>;

template <class C>
concept LiveReadCounter = ThreadCounter<C> && C::kLiveRead && requires(const C& cc) {
    { cc.read() } -> std::same_as<std::uint64_t>;
};

}  // namespace contend::tls
