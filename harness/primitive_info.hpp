#pragma once
// What the harness knows about one primitive under test: identity, declared
// properties and memory footprint. Suites fill it in; the harness never names
// a primitive itself.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace contend {

struct PrimitiveInfo {
    std::string name{};            // stable, used in case names: "mcs"
    std::string family{};          // "spinlock", "blocking", "rwlock", "control", "test"
    std::string description{};     // one line: algorithm and source
    bool fair = false;             // FIFO (or bounded-bypass) admission promised
    bool blocking = false;         // waiters may sleep in the kernel
    bool spins = false;            // waiters spin; honours the `relax` parameter
    bool mutual_exclusion = true;  // false only for the `none` control
    int max_threads = 0;           // most threads it can serve at once; 0: no limit
    // Queues: what the primitive promises (ignored for locks).
    bool bounded = false;               // has a fixed capacity
    bool lock_free = false;             // some thread always makes progress
    std::string ordering{};             // "fifo", "per_producer_fifo", "lifo", "priority", "none"
    std::string shapes{};               // supported of "spsc,mpsc,spmc,mpmc"
    std::size_t max_message_bytes = 0;  // 0: any size
    std::size_t max_capacity = 0;       // 0: any capacity
    bool control = false;               // never part of a default run
    // The outcome a primitive exists to demonstrate (e.g. "deadlock" for the
    // naive dining philosophers): reached, it is reported as such but does
    // not make the run fail. Empty: "ok" is the only good outcome.
    std::string expected_status{};
    bool test_only = false;       // registered only for the test suite
    std::size_t size_bytes = 0;   // sizeof the primitive
    std::size_t align_bytes = 0;  // alignof the primitive
};

// The promises a primitive declares, those that are set (a lock's fair,
// blocking, spins, max_threads; a queue's bounded, lock_free, blocking,
// ordering, shapes, max_message_bytes, max_capacity), as one JSON object:
// what `list`, the result file's cases and the report print without naming
// any of them. The one place that knows the keys.
nlohmann::json declared_promises(const PrimitiveInfo& p);

// The same as one line: "fair, spins" or "bounded, ordering=fifo, ...".
std::string promises_text(const PrimitiveInfo& p);

}  // namespace contend
