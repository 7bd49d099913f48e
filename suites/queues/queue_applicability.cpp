#include "suites/queues/queue_applicability.hpp"

#include "suites/queues/message.hpp"
#include "suites/queues/queue_promises.hpp"

namespace contend::queues {
namespace {

std::string shape_of(std::int64_t producers, std::int64_t consumers) {
    return std::string(producers > 1 ? "mp" : "sp") + (consumers > 1 ? "mc" : "sc");
}

bool lists(const std::string& csv, const std::string& item) {
    return ("," + csv + ",").find("," + item + ",") != std::string::npos;
}

}  // namespace

std::string queue_unsupported(const PrimitiveInfo& queue, const ParamPoint& p) {
    const auto& q = promises_as<QueuePromises>(queue);
    const bool two_threads = !p.find("producers");
    const auto shape = two_threads ? std::string("spsc")
                                   : shape_of(p.integer("producers"), p.integer("consumers"));
    if (!lists(q.shapes, shape)) return "it supports " + q.shapes + ", not " + shape;
    if (p.choice("wait") == "block" && !queue.blocking)
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

std::string pipeline_unsupported(const PrimitiveInfo& queue, const ParamPoint& p) {
    // Input and worker queues are spsc; the merge queue is mpsc (spsc with
    // one worker).
    const std::string& shapes = promises_as<QueuePromises>(queue).shapes;
    if (p.integer("workers") > 1 && !lists(shapes, "mpsc"))
        return "it supports " + shapes + ", not mpsc (the merge queue of several workers)";
    return queue_unsupported(queue, p);
}

ParamSpec payload_bytes_param() {
    return ParamSpec::choice("payload_bytes", std::to_string(kDefaultMessageBytes),
                             message_size_choices(),
                             "whole message size (24-byte header + payload)");
}

ParamSpec wait_param(const char* doc) {
    return ParamSpec::choice("wait", "spin", {"spin", "yield", "block"}, doc);
}

}  // namespace contend::queues
