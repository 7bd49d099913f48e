#pragma once
// What a lock promises beyond how its waiters wait, and the declaration a
// catalogue entry or a user's CONTEND_LOCK gives: the locks suite reads the
// promises back (promises_as<LockPromises>) and holds locks to them.
#include <memory>
#include <string>

#include "harness/primitive_info.hpp"

namespace contend {

class LockPromises final : public SuitePromises {
  public:
    bool fair = false;             // FIFO (or bounded-bypass) admission promised
    int max_threads = 0;           // most threads it can serve at once; 0: no limit
    bool mutual_exclusion = true;  // false only for the `none` control
    PromiseList declared() const override;
};

// One lock as declared, in this order (designated initialisers follow it).
struct LockDeclaration {
    std::string name{};
    std::string family{};
    std::string description{};
    bool fair = false;
    bool blocking = false;  // waiters may sleep in the kernel
    bool spins = false;     // waiters spin; honours the `relax` parameter
    int max_threads = 0;
    bool mutual_exclusion = true;
    bool control = false;  // never part of a default run (a broken variant, say)

    operator PrimitiveInfo() const;  // NOLINT: a declaration is where a primitive comes from
};

// Defined here, not in the suite library, so that a test which links the
// harness alone can declare a primitive.
inline PromiseList LockPromises::declared() const {
    PromiseList out;
    if (fair) out.emplace_back("fair", true);
    if (max_threads > 0) out.emplace_back("max_threads", static_cast<std::size_t>(max_threads));
    if (!mutual_exclusion) out.emplace_back("mutual_exclusion", false);
    return out;
}

inline LockDeclaration::operator PrimitiveInfo() const {
    auto promises = std::make_shared<LockPromises>();
    promises->fair = fair;
    promises->max_threads = max_threads;
    promises->mutual_exclusion = mutual_exclusion;
    PrimitiveInfo p;
    p.name = name;
    p.family = family;
    p.description = description;
    p.blocking = blocking;
    p.spins = spins;
    p.promises = std::move(promises);
    p.control = control;
    return p;
}

}  // namespace contend
