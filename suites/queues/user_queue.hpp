#pragma once
// Your own queue in contend. The whole of what you write:
//
//   #include "suites/queues/user_queue.hpp"
//   template <class T> class MyQueue {
//     public:
//       explicit MyQueue(std::size_t capacity);
//       bool try_push(const T&);  // false: full
//       bool try_pop(T&);         // false: empty
//       // and, for a queue that can block: void push(const T&); void pop(T&);
//   };
//   CONTEND_QUEUE(MyQueue, .name = "my_queue", .description = "what it is",
//                 .bounded = true, .ordering = "fifo", .shapes = "spsc,mpsc,spmc,mpmc");
//
// and, in CMake, `find_package(contend)` and `contend_add_executable(...)`.
// The queue joins every queue scenario (QueueScenarios: throughput,
// pingpong, paced, pipeline) at every message size of the installed build,
// through the same binder as the built-in catalogue, with its
// declared promises held against it: delivery exactly once always, its
// `ordering` ("fifo", "per_producer_fifo", "lifo", "priority", "none") by
// the delivery check, `shapes` and `max_capacity` in the case plan, and
// `.blocking = true` only if it has push()/pop(). The initialisers follow
// QueueDeclaration's order (queue_promises.hpp): name, family, description,
// blocking, bounded, lock_free, ordering, shapes, max_message_bytes,
// max_capacity, control.
#include <concepts>
#include <cstddef>

#include "harness/extensions.hpp"
#include "suites/queues/queue_binding.hpp"
#include "suites/queues/queue_promises.hpp"
#include "suites/queues/queue_scenarios.hpp"

namespace contend {

// One readable error per missing member, checked on the 32-byte message.
template <template <class> class Q>
constexpr bool check_user_queue() {
    using T = queues::Message<32>;
    using Queue = Q<T>;
    static_assert(std::constructible_from<Queue, std::size_t>,
                  "contend: a queue must be constructible from its capacity (std::size_t)");
    static_assert(
        requires(Queue & q, const T& in) {
            { q.try_push(in) } -> std::same_as<bool>;
        },
        "contend: a queue needs a member `bool try_push(const T&)`");
    static_assert(
        requires(Queue & q, T & out) {
            { q.try_pop(out) } -> std::same_as<bool>;
        },
        "contend: a queue needs a member `bool try_pop(T&)`");
    return queues::TryQueue<Queue, T>;
}

template <template <class> class Q>
bool register_user_queue(QueueDeclaration declared) {
    if constexpr (check_user_queue<Q>()) {
        if (declared.family.empty()) declared.family = declared.control ? "control" : "user";
        const PrimitiveInfo info = declared;
        return add_extension([info](Registry& r) {
            queues::add_queue_primitive<Q>(r, info);
            queues::for_each_queue_scenario(
                [&]<class S>() { queues::ScenarioBinder<S>{r}.template queue<Q>(info); });
        });
    } else {
        return false;
    }
}

}  // namespace contend

#define CONTEND_QUEUE(Template, ...)                                         \
    [[maybe_unused]] static const bool CONTEND_UNIQUE_NAME(contend_queue_) = \
        ::contend::register_user_queue<Template>(::contend::QueueDeclaration{__VA_ARGS__})
