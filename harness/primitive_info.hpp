#pragma once
// What the harness knows about one primitive under test: identity, how its
// waiters wait, the promises its suite declares, and its memory footprint.
// Suites fill it in; the harness never names a primitive, nor a promise
// that belongs to one suite.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace contend {

using PromiseValue = std::variant<bool, std::size_t, std::string>;
using PromiseList = std::vector<std::pair<std::string, PromiseValue>>;

// Promises that belong to one suite (a lock's fairness, a queue's ordering
// and shapes). The suite that declares them reads them back with
// promises_as<T>() and holds the primitive to them; everything else prints
// them through declared_promises() without knowing the keys.
class SuitePromises {
  public:
    virtual ~SuitePromises() = default;
    // The promises that are set, in the suite's order.
    virtual PromiseList declared() const = 0;
};

struct PrimitiveInfo {
    std::string name{};         // stable, used in case names: "mcs"
    std::string family{};       // "spinlock", "blocking", "rwlock", "control", "test"
    std::string description{};  // one line: algorithm and source
    // How waiters wait and what progress is guaranteed: meaningful for every
    // kind of primitive.
    bool blocking = false;   // waiters may sleep in the kernel (a queue: has push/pop)
    bool spins = false;      // waiters spin; honours the `relax` parameter
    bool lock_free = false;  // some thread always makes progress
    std::shared_ptr<const SuitePromises> promises{};  // null: none beyond these
    bool control = false;                             // never part of a default run
    // The outcome a primitive exists to demonstrate (e.g. "deadlock" for the
    // naive dining philosophers): reached, it is reported as such but does
    // not make the run fail. Empty: "ok" is the only good outcome.
    std::string expected_status{};
    bool test_only = false;       // registered only for the test suite
    std::size_t size_bytes = 0;   // sizeof the primitive
    std::size_t align_bytes = 0;  // alignof the primitive
};

// The suite promises of type P that `p` declares; P's defaults when it
// declares none of that suite's.
template <class P>
const P& promises_as(const PrimitiveInfo& p) {
    static const P none{};
    const auto* mine = dynamic_cast<const P*>(p.promises.get());
    return mine ? *mine : none;
}

// Everything a primitive declares that is set (blocking, spins, lock_free,
// then its suite's promises), as one JSON object: what `list`, the result
// file's cases and the report print.
nlohmann::json declared_promises(const PrimitiveInfo& p);

// The same as one line: "fair, spins" or "bounded, ordering=fifo, ...".
std::string promises_text(const PrimitiveInfo& p);

}  // namespace contend
