#include "suites/queues/register_queues.hpp"

#include <utility>

#include "harness/registry.hpp"
#include "suites/queues/ipc/channel_catalog.hpp"
#include "suites/queues/ipc/ipc_throughput.hpp"
#include "suites/queues/queue_binding.hpp"
#include "suites/queues/queue_catalog.hpp"
#include "suites/queues/queue_scenarios.hpp"

namespace contend {
namespace {

// Records each queue's declared properties and footprint; the bindings to
// scenarios follow, one translation unit per scenario (bind_catalogue).
struct QueueRegistrar {
    Registry& r;

    template <template <class> class Q>
    void queue(PrimitiveInfo info) {
        queues::add_queue_primitive<Q>(r, std::move(info));
    }
};

// Inter-process channels run in queues.throughput (one producer process,
// one consumer process).
struct ChannelBinder {
    Registry& r;

    template <class Ch>
    void channel(PrimitiveInfo info) {
        info.size_bytes = sizeof(Ch);
        info.align_bytes = alignof(Ch);
        const auto& p = r.add_primitive(info);
        r.bind(queues::ThroughputBinding::name, p.name, [](const CaseConfig& c) {
            return queues::with_message_size(
                std::stoul(c.params.choice("payload_bytes")),
                [&]<class T>() { return queues::ipc::run_ipc_throughput<Ch, T>(c); });
        });
    }
};

}  // namespace

void register_queues(Registry& r) {
    r.add_suite("queues", "FIFO, LIFO and priority queues, lock-free and blocking");
    queues::for_each_queue_scenario([&]<class S>() { S::describe(r); });
    QueueRegistrar registrar{r};
    queues::for_each_queue(registrar);
    queues::for_each_queue_scenario([&]<class S>() { S::bind_catalogue(r); });
    ChannelBinder channels{r};
    queues::ipc::for_each_channel(channels);
}

}  // namespace contend
