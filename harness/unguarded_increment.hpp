#pragma once
// The validation counter of a guarded section (a lock's critical section, a
// fork in hand, a unit run under a global lock): incremented through a
// relaxed load and a relaxed store, the same code as a plain `x++`. Where the
// guard holds, it ends at the number of sections; where two threads get in
// at once, updates are lost and the count falls short, without the undefined
// behaviour of a data race on a plain integer. No locked instruction, so the
// check adds no cost of its own to the section it validates.
#include <atomic>
#include <cstdint>

namespace contend {

inline void unguarded_increment(std::atomic<std::uint64_t>& x) noexcept {
    x.store(x.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace contend
