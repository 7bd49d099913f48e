#pragma once
// Registrations that code linked into an executable adds to the built-in
// catalogue: a user's own locks and queues (suites/locks/user_lock.hpp,
// suites/queues/user_queue.hpp). Each is added by a static initializer in
// the user's file and runs once, after every built-in suite is registered,
// so that a user's primitive finds the scenarios it binds to.
#include <functional>

namespace contend {

class Registry;
using Extension = std::function<void(Registry&)>;

// Returns true, so a namespace-scope `static const bool` can call it.
bool add_extension(Extension e);

// Runs every added extension, in the order they were added.
void register_extensions(Registry& r);

}  // namespace contend

// A name of its own for each registration line of a file (the user macros).
#define CONTEND_DETAIL_CONCAT2(a, b) a##b
#define CONTEND_DETAIL_CONCAT(a, b) CONTEND_DETAIL_CONCAT2(a, b)
#define CONTEND_UNIQUE_NAME(prefix) CONTEND_DETAIL_CONCAT(prefix, __LINE__)
