#pragma once
namespace contend {
class Registry;
// Adds the lock suite: its scenarios, and every lock of lock_catalog.hpp
// bound to every scenario it can run in.
void register_locks(Registry& r, bool with_test_primitives);
}  // namespace contend
