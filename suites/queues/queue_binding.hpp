#pragma once
// How a queue enters the registry: add_queue_primitive() records it, and
// ScenarioBinder<S> binds it to the queue scenario S (queue_scenarios.hpp).
// The built-in catalogue and a user's queue (user_queue.hpp) both go
// through these.
#include <stdexcept>
#include <utility>

#include "harness/registry.hpp"
#include "suites/queues/message.hpp"
#include "suites/queues/queue_catalog.hpp"
#include "suites/queues/queue_concepts.hpp"

namespace contend::queues {

// Adds a queue as a primitive: its declared properties, checked where they
// can be (a queue declared blocking must have push/pop, and only then), and
// its footprint.
template <template <class> class Q>
void add_queue_primitive(Registry& r, PrimitiveInfo info) {
    using Small = Q<Message<32>>;
    static_assert(TryQueue<Small, Message<32>>);
    if (info.blocking != BlockingQueue<Small, Message<32>>)
        throw std::logic_error("queue " + info.name +
                               ": declared blocking does not match its push/pop");
    info.size_bytes = sizeof(Small);
    info.align_bytes = alignof(Small);
    r.add_primitive(info);
}

// Runs fn.template operator()<Q<Message<B>>, Message<B>>() for the case's payload size.
template <template <class> class Q, class Fn>
Sample with_payload(const CaseConfig& c, Fn&& fn) {
    return with_message_size(std::stoul(c.params.choice("payload_bytes")),
                             [&]<class T>() { return fn.template operator()<Q<T>, T>(); });
}

// Binds queues to scenario S, which provides `name` and
// `template <class Queue, class T> static Sample run(const CaseConfig&)`.
template <class S>
struct ScenarioBinder {
    Registry& r;

    template <template <class> class Q>
    void queue(const PrimitiveInfo& info) {
        r.bind(S::name, info.name, [](const CaseConfig& c) {
            return with_payload<Q>(
                c, [&]<class Queue, class T>() { return S::template run<Queue, T>(c); });
        });
    }
};

// Binds every queue of the catalogue to S: what S::bind_catalogue() does,
// in S's own <name>_scenario.cpp. Each binding instantiates its scenario
// for every queue and message size, and one file holding them all was the
// slowest step of the build by far.
template <class S>
void bind_every_queue(Registry& r) {
    ScenarioBinder<S> binder{r};
    for_each_queue(binder);
}

}  // namespace contend::queues
