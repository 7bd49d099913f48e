#pragma once
// The two busy-work delays of a workload shaped like a lock's: `cs_ns` while
// the guarded section runs and `think_ns` between two of them, as parameters
// of that name, in TeamConfig::delays order (ctx.delay(kCsDelay),
// ctx.delay(kThinkDelay)). One place, so every scenario of that shape names
// and reports them the same way.
#include <cstddef>
#include <vector>

#include "harness/delays.hpp"
#include "harness/registry.hpp"

namespace contend {

inline constexpr std::size_t kCsDelay = 0, kThinkDelay = 1;

inline std::vector<DelayRequest> cs_think_delays(const CaseConfig& c) {
    return {{"cs_ns", static_cast<double>(c.params.integer("cs_ns"))},
            {"think_ns", static_cast<double>(c.params.integer("think_ns"))}};
}

}  // namespace contend
