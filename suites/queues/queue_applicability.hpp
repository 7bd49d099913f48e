#pragma once
// What the queue scenarios share in their descriptions: which points of the
// grid a queue cannot run (its declared shapes, blocking, capacity and
// message size), and the message-size parameter this build compiled.
#include <string>

#include "harness/params.hpp"
#include "harness/primitive_info.hpp"

namespace contend::queues {

// Why queue `q` cannot run at point `p` of a queue scenario, in words ("" if
// it can). A point without `producers` is pingpong's: one queue each way.
std::string queue_unsupported(const PrimitiveInfo& q, const ParamPoint& p);

// queues.pipeline: its merge queue has every worker as a producer.
std::string pipeline_unsupported(const PrimitiveInfo& q, const ParamPoint& p);

// The message sizes this build compiled (message.hpp).
ParamSpec payload_bytes_param();

// The `wait` parameter: what a thread does when its queue is full or empty.
ParamSpec wait_param(const char* doc);

}  // namespace contend::queues
