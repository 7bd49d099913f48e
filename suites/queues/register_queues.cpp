#include "suites/queues/register_queues.hpp"

#include <utility>

#include "harness/registry.hpp"
#include "suites/queues/ipc/channel_catalog.hpp"
#include "suites/queues/ipc/ipc_throughput.hpp"
#include "suites/queues/queue_binding.hpp"
#include "suites/queues/queue_catalog.hpp"
#include "suites/queues/throughput_scenario.hpp"

namespace contend {
namespace {

using queues::kPaced;
using queues::kPingpong;
using queues::kPipeline;
using queues::kThroughput;

std::string shape_of(std::int64_t producers, std::int64_t consumers) {
    return std::string(producers > 1 ? "mp" : "sp") + (consumers > 1 ? "mc" : "sc");
}

bool lists(const std::string& csv, const std::string& item) {
    return ("," + csv + ",").find("," + item + ",") != std::string::npos;
}

// What a queue cannot do at one point of the grid, in words.
std::string unsupported(const PrimitiveInfo& q, const ParamPoint& p) {
    const bool two_threads = !p.find("producers");  // pingpong: one queue each way
    const auto shape = two_threads ? std::string("spsc")
                                   : shape_of(p.integer("producers"), p.integer("consumers"));
    if (!lists(q.shapes, shape)) return "it supports " + q.shapes + ", not " + shape;
    if (p.choice("wait") == "block" && !q.blocking)
        return "wait=block needs a queue that can block (this one only has try operations)";
    const auto capacity = static_cast<std::size_t>(p.integer("capacity"));
    if (q.max_capacity && capacity > q.max_capacity)
        return "capacity " + std::to_string(capacity) + " exceeds its maximum of " +
               std::to_string(q.max_capacity);
    const auto bytes = std::stoul(p.choice("payload_bytes"));
    if (q.max_message_bytes && bytes > q.max_message_bytes)
        return "payload_bytes " + std::to_string(bytes) + " exceeds its maximum of " +
               std::to_string(q.max_message_bytes);
    return "";
}

// queues.pipeline: input and worker queues are spsc; the merge queue has
// every worker as a producer (mpsc, or spsc with one worker).
std::string pipeline_unsupported(const PrimitiveInfo& q, const ParamPoint& p) {
    if (p.integer("workers") > 1 && !lists(q.shapes, "mpsc"))
        return "it supports " + q.shapes + ", not mpsc (the merge queue of several workers)";
    return unsupported(q, p);
}

// The message sizes this build compiled (message.hpp).
ParamSpec payload_bytes() {
    return ParamSpec::choice("payload_bytes", std::to_string(queues::kDefaultMessageBytes),
                             queues::message_size_choices(),
                             "whole message size (24-byte header + payload)");
}

void add_scenarios(Registry& r) {
    r.add_suite("queues", "FIFO, LIFO and priority queues, lock-free and blocking");
    auto& s = r.add_scenario(
        {kThroughput,
         "queues",
         "producers push, consumers pop: items/s, failed tries, latency, occupancy, fairness",
         // The presets run the four shapes 1x1, 1x2, 2x1, 2x2 (full: up to 4x4);
         // an SPSC-only queue runs 1x1 only.
         {ParamSpec::integer("producers", 1, 1, 256, "", "producer threads", true)
              .in_preset("default", "1,2")
              .in_preset("full", "1,2,4"),
          ParamSpec::integer("consumers", 1, 1, 256, "", "consumer threads", true)
              .in_preset("default", "1,2")
              .in_preset("full", "1,2,4"),
          ParamSpec::integer("capacity", 1024, 1, 1 << 24, "items",
                             "bound of bounded queues (initial size hint for others)", true),
          payload_bytes(),
          ParamSpec::choice("wait", "spin", {"spin", "yield", "block"},
                            "on full/empty: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    s.thread_count = [](const ParamPoint& p) {
        return static_cast<int>(p.integer("producers") + p.integer("consumers"));
    };
    s.stress = true;
    s.unsupported = unsupported;

    auto& pp = r.add_scenario(
        {kPingpong,
         "queues",
         "round trip through two queues between two threads, beside the cache-line floor",
         {ParamSpec::integer("capacity", 1024, 2, 1 << 24, "items", "bound of each queue", true),
          payload_bytes(),
          ParamSpec::choice("wait", "spin", {"spin", "yield", "block"},
                            "while waiting: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    pp.thread_count = [](const ParamPoint&) { return 2; };
    pp.unsupported = unsupported;

    auto& paced = r.add_scenario(
        {kPaced,
         "queues",
         "producers send on a fixed schedule (open loop): latency from the scheduled send time",
         {ParamSpec::integer("rate", 1'000'000, 1, 1'000'000'000, "items/s",
                             "offered load, all producers together", true),
          ParamSpec::integer("producers", 1, 1, 256, "", "producer threads", true),
          ParamSpec::integer("consumers", 1, 1, 256, "", "consumer threads", true),
          ParamSpec::integer("capacity", 1024, 1, 1 << 24, "items", "bound of bounded queues"),
          payload_bytes(),
          ParamSpec::choice("wait", "spin", {"spin", "yield", "block"},
                            "on full/empty: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    paced.thread_count = s.thread_count;
    paced.unsupported = unsupported;

    auto& pipe = r.add_scenario(
        {kPipeline,
         "queues",
         "source -> router -> one queue per worker -> merge -> sink: end-to-end items/s, "
         "per-stage occupancy, end-to-end latency",
         {ParamSpec::integer("workers", 2, 1, 64, "", "worker threads (one queue each)", true),
          ParamSpec::integer("capacity", 1024, 2, 1 << 24, "items", "bound of each queue", true),
          payload_bytes(),
          ParamSpec::integer("work_ns", 200, 0, 10'000'000, "ns",
                             "busy work per item in each worker", true),
          ParamSpec::choice("wait", "spin", {"spin", "yield", "block"},
                            "on full/empty: pause and retry, sched_yield, or block in the queue")},
         {},
         {}});
    pipe.thread_count = [](const ParamPoint& p) {
        return static_cast<int>(p.integer("workers")) + 3;
    };
    pipe.unsupported = pipeline_unsupported;
}

// Records each queue's declared properties and footprint; the bindings to
// scenarios follow, one translation unit per scenario (queue_binding.hpp).
struct QueueRegistrar {
    Registry& r;

    template <template <class> class Q>
    void queue(PrimitiveInfo info) {
        queues::add_queue_primitive<Q>(r, std::move(info));
    }
};

using queues::ThroughputRun;  // queues.throughput and queues.paced share one loop

// Inter-process channels run in queues.throughput (one producer process,
// one consumer process).
struct ChannelBinder {
    Registry& r;

    template <class Ch>
    void channel(PrimitiveInfo info) {
        info.size_bytes = sizeof(Ch);
        info.align_bytes = alignof(Ch);
        const auto& p = r.add_primitive(info);
        r.bind(kThroughput, p.name, [](const CaseConfig& c) {
            return queues::with_message_size(
                std::stoul(c.params.choice("payload_bytes")),
                [&]<class T>() { return queues::ipc::run_ipc_throughput<Ch, T>(c); });
        });
    }
};

}  // namespace

void register_queues(Registry& r) {
    add_scenarios(r);
    QueueRegistrar registrar{r};
    queues::for_each_queue(registrar);
    queues::bind_every_queue<ThroughputRun>(r, kThroughput);
    queues::bind_every_queue<ThroughputRun>(r, kPaced);
    queues::bind_pingpong(r, kPingpong);
    queues::bind_pipeline(r, kPipeline);
    ChannelBinder channels{r};
    queues::ipc::for_each_channel(channels);
}

}  // namespace contend
