#pragma once
// The contracts a queue type satisfies to be measured. Every queue is a class
// template over its element type T, constructible from a capacity (unbounded
// queues may use it as an initial size or ignore it), with non-blocking
// try_push/try_pop. Queues that can put a waiting thread to sleep also offer
// blocking push/pop. Stacks and priority queues use the same names: "push"
// adds, "pop" removes whatever their ordering promise says comes next.
#include <concepts>
#include <cstddef>

namespace contend::queues {

template <class Q, class T>
concept TryQueue = std::constructible_from<Q, std::size_t> && requires(Q& q, const T& in, T& out) {
    {
        q.try_push(in)
        } -> std::same_as<bool>;  // false: full (bounded) — never counted as throughput
    { q.try_pop(out) } -> std::same_as<bool>;  // false: empty
};

template <class Q, class T>
concept BlockingQueue = TryQueue<Q, T> && requires(Q& q, const T& in, T& out) {
    q.push(in);  // waits while full
    q.pop(out);  // waits while empty
};

}  // namespace contend::queues
