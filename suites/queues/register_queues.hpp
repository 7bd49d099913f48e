#pragma once
namespace contend {
class Registry;
// Adds the queue suite: its scenarios, and every queue of queue_catalog.hpp
// bound to every scenario it can run in.
void register_queues(Registry& r);
}  // namespace contend
