#pragma once
// Binds every queue of the catalog to one scenario. Each scenario's bindings
// live in a translation unit of their own (bind_*.cpp): every binding
// instantiates its scenario for each queue and each message size, and one
// file holding them all was the slowest step of the build by far.
#include <stdexcept>
#include <utility>

#include "harness/registry.hpp"
#include "suites/queues/message.hpp"
#include "suites/queues/queue_catalog.hpp"
#include "suites/queues/queue_concepts.hpp"

namespace contend::queues {

inline constexpr const char* kThroughput = "queues.throughput";
inline constexpr const char* kPingpong = "queues.pingpong";
inline constexpr const char* kPaced = "queues.paced";
inline constexpr const char* kPipeline = "queues.pipeline";

// Adds a queue as a primitive: its declared properties, checked where they
// can be (a queue declared blocking must have push/pop, and only then), and
// its footprint. Bound to scenarios separately (ScenarioBinder).
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

// `Run` provides `template <class Queue, class T> static Sample run(const CaseConfig&)`.
template <class Run>
struct ScenarioBinder {
    Registry& r;
    const char* scenario;

    template <template <class> class Q>
    void queue(const PrimitiveInfo& info) {
        r.bind(scenario, info.name, [](const CaseConfig& c) {
            return with_payload<Q>(
                c, [&]<class Queue, class T>() { return Run::template run<Queue, T>(c); });
        });
    }
};

template <class Run>
void bind_every_queue(Registry& r, const char* scenario) {
    ScenarioBinder<Run> binder{r, scenario};
    for_each_queue(binder);
}

// Defined in bind_pingpong.cpp and bind_pipeline.cpp.
void bind_pingpong(Registry& r, const char* scenario);
void bind_pipeline(Registry& r, const char* scenario);

}  // namespace contend::queues
