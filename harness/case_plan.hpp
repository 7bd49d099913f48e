#pragma once
// Turns what the user asked for (scenarios or suites, primitives, value lists
// per parameter) into the ordered list of cases: the cartesian product.
#include <map>
#include <string>
#include <vector>

#include "harness/registry.hpp"

namespace contend {

struct PlanRequest {
    std::vector<std::string> targets;           // scenario or suite names
    std::vector<std::string> primitives;        // empty: every non-control one
    std::map<std::string, std::string> values;  // parameter name -> value list text
    std::string
        preset{};  // --preset: each parameter's own values for it (ParamSpec::preset_values)
    std::string default_threads{};  // for scenarios with a "threads" parameter, unless given
};

struct PlannedCase {
    const ScenarioInfo* scenario = nullptr;
    const PrimitiveInfo* primitive = nullptr;
    ParamPoint params;
    int threads = 1;
    std::string name;  // scenario/primitive/param:value/...
};

// The scenarios that scenario or suite names stand for, each once, in the
// order given (none given: every scenario). Throws UsageError for a name that
// is neither.
std::vector<const ScenarioInfo*> resolve_targets(const Registry& r,
                                                 const std::vector<std::string>& targets);

// Throws UsageError (naming the argument) for unknown scenarios, primitives,
// parameters, and bad values.
std::vector<PlannedCase> plan_cases(const Registry& r, const PlanRequest& req);

std::string case_name(const ScenarioInfo& s, const std::string& primitive, const ParamPoint& p);

}  // namespace contend
