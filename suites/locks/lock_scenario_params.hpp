#pragma once
// What the lock scenarios share in their descriptions: the common
// parameters, and which points of the grid a lock cannot run or for which
// a parameter changes nothing.
#include <cstdint>
#include <string>

#include "harness/params.hpp"
#include "harness/primitive_info.hpp"

namespace contend::locks {

ParamSpec threads_param();
ParamSpec relax_param();
// Busy work in ns (cs_ns, think_ns), swept in presets.
ParamSpec ns_param(const char* name, std::int64_t def, const char* doc);

// A lock that serves a bounded number of threads (array) cannot run beyond it.
std::string too_many_threads(const PrimitiveInfo& p, const ParamPoint& point);
std::string more_threads_than_served(const PrimitiveInfo& p, std::int64_t threads);

// The relax policy changes nothing for a lock that does not spin.
bool relax_irrelevant(const PrimitiveInfo& p, const ParamPoint& point);

}  // namespace contend::locks
