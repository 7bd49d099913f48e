#pragma once
// The reader-writer exclusion check, for any primitive that grants shared and
// exclusive access (a reader-writer lock, wherever a scenario runs one),
// seqlock-style: a writer makes a version word odd on entry and even again
// on exit. A reader reads the version on entry (it must be even: no writer
// inside) and on exit (it must be unchanged: no writer came and went
// meanwhile); a writer checks it found the version even (no other writer
// inside) and still its own on exit. Readers only read the word, as they
// would read the data a reader-writer lock guards, so the check costs O(1)
// and adds no reader-reader traffic. A counter written without a
// read-modify-write by writers must equal the write acquisitions (lost
// updates).
#include <atomic>
#include <cstdint>
#include <string>

#include "harness/cache_line.hpp"
#include "harness/sample.hpp"
#include "harness/unguarded_increment.hpp"

namespace contend {

struct alignas(kCacheLine) RwGuarded {
    std::atomic<std::uint64_t> version{0};  // odd while a writer is inside
    std::atomic<std::uint64_t> counter{0};

    // The section of a writer, exclusive access held, with `cs()` as its busy
    // work. Returns the violations it saw (0 under a correct primitive).
    template <class Cs>
    std::uint64_t write_section(Cs&& cs) {
        const std::uint64_t v = version.load(std::memory_order_relaxed);
        std::uint64_t violations = v & 1;
        version.store(v + 1, std::memory_order_relaxed);
        cs();
        unguarded_increment(counter);
        violations += version.load(std::memory_order_relaxed) != v + 1;
        version.store(v + 2, std::memory_order_relaxed);
        return violations;
    }

    // The section of a reader, shared access held.
    template <class Cs>
    std::uint64_t read_section(Cs&& cs) const {
        const std::uint64_t v0 = version.load(std::memory_order_relaxed);
        cs();
        const std::uint64_t v1 = version.load(std::memory_order_relaxed);
        return (v0 & 1) | (v1 != v0);
    }
};

// Records the check in s.checks, and invalidates the sample when a section
// saw a violation or the counter lost updates. `write_acquisitions` counts
// every write section, warm-up included.
inline void check_rw_exclusion(Sample& s, const RwGuarded& g, std::uint64_t violations,
                               std::uint64_t write_acquisitions) {
    const std::uint64_t counter = g.counter.load();
    s.checks = {{"rw_exclusion_violations", violations},
                {"write_counter", counter},
                {"expected_write_counter", write_acquisitions}};
    if (!violations && counter == write_acquisitions) return;
    std::string what;
    if (violations) what = std::to_string(violations) + " reader/writer overlaps seen";
    if (counter != write_acquisitions)
        what += (what.empty() ? "" : "; ") + std::string("write counter ") +
                std::to_string(counter) + " != write acquisitions " +
                std::to_string(write_acquisitions) + " (lost updates)";
    s.fail("reader-writer exclusion broken: " + what);
}

}  // namespace contend
