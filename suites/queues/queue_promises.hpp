#pragma once
// What a queue promises beyond how its waiters wait, and the declaration a
// catalogue entry or a user's CONTEND_QUEUE gives: the queues suite reads
// the promises back (promises_as<QueuePromises>) and holds queues to them
// (ordering by the delivery check, shapes and limits in the case plan).
#include <cstddef>
#include <memory>
#include <string>

#include "harness/primitive_info.hpp"

namespace contend {

class QueuePromises final : public SuitePromises {
  public:
    bool bounded = false;               // has a fixed capacity
    std::string ordering{};             // "fifo", "per_producer_fifo", "lifo", "priority", "none"
    std::string shapes{};               // supported of "spsc,mpsc,spmc,mpmc"
    std::size_t max_message_bytes = 0;  // 0: any size
    std::size_t max_capacity = 0;       // 0: any capacity
    PromiseList declared() const override;
};

// One queue as declared, in this order (designated initialisers follow it).
struct QueueDeclaration {
    std::string name{};
    std::string family{};
    std::string description{};
    bool blocking = false;  // has push()/pop() that wait in the queue
    bool bounded = false;
    bool lock_free = false;  // some thread always makes progress
    std::string ordering{};
    std::string shapes{};
    std::size_t max_message_bytes = 0;
    std::size_t max_capacity = 0;
    bool control = false;  // never part of a default run (a broken variant, say)

    operator PrimitiveInfo() const;  // NOLINT: a declaration is where a primitive comes from
};

// Defined here, not in the suite library, so that a test which links the
// harness alone can declare a primitive.
inline PromiseList QueuePromises::declared() const {
    PromiseList out;
    if (bounded) out.emplace_back("bounded", true);
    if (!ordering.empty()) out.emplace_back("ordering", ordering);
    if (!shapes.empty()) out.emplace_back("shapes", shapes);
    if (max_message_bytes) out.emplace_back("max_message_bytes", max_message_bytes);
    if (max_capacity) out.emplace_back("max_capacity", max_capacity);
    return out;
}

inline QueueDeclaration::operator PrimitiveInfo() const {
    auto promises = std::make_shared<QueuePromises>();
    promises->bounded = bounded;
    promises->ordering = ordering;
    promises->shapes = shapes;
    promises->max_message_bytes = max_message_bytes;
    promises->max_capacity = max_capacity;
    PrimitiveInfo p;
    p.name = name;
    p.family = family;
    p.description = description;
    p.blocking = blocking;
    p.lock_free = lock_free;
    p.promises = std::move(promises);
    p.control = control;
    return p;
}

}  // namespace contend
