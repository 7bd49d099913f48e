#pragma once
// Binds every queue of the catalog to one scenario. Each scenario's bindings
// live in a translation unit of their own (bind_*.cpp): every binding
// instantiates its scenario for each queue and each message size, and one
// file holding them all was the slowest step of the build by far.
#include "harness/registry.hpp"
#include "suites/queues/message.hpp"
#include "suites/queues/queue_catalog.hpp"

namespace contend::queues {

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
