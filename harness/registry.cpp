#include "harness/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace contend {

const ParamSpec* ScenarioInfo::param(const std::string& n) const {
    for (const auto& p : params)
        if (p.name == n) return &p;
    return nullptr;
}

void Registry::add_suite(std::string name, std::string doc) {
    if (suite(name)) throw std::logic_error("suite registered twice: " + name);
    suites_.push_back({std::move(name), std::move(doc), {}});
}

ScenarioInfo& Registry::add_scenario(ScenarioInfo s) {
    if (scenario(s.name)) throw std::logic_error("scenario registered twice: " + s.name);
    auto it = std::find_if(suites_.begin(), suites_.end(),
                           [&](const SuiteInfo& x) { return x.name == s.suite; });
    if (it == suites_.end()) throw std::logic_error("scenario of unknown suite: " + s.name);
    // A scenario's preset sweeps are checked once, here, so that a bad one
    // stops every run and test at start-up rather than the one run using it.
    for (const auto& spec : s.params)
        for (const auto& [preset, values] : spec.preset_values) {
            const auto& known = preset_names();
            if (std::find(known.begin(), known.end(), preset) == known.end())
                throw std::logic_error(s.name + " " + spec.name + ": unknown preset " + preset);
            try {
                parse_values(spec, values, s.name + " " + spec.name + " in preset " + preset);
            } catch (const UsageError& e) {
                throw std::logic_error(e.what());
            }
        }
    it->scenarios.push_back(s.name);
    scenarios_.push_back(std::move(s));
    return scenarios_.back();
}

const PrimitiveInfo& Registry::add_primitive(const PrimitiveInfo& p) {
    for (const auto& q : primitives_)
        if (q.name == p.name) return q;
    primitives_.push_back(p);
    return primitives_.back();
}

void Registry::bind(const std::string& scenario_name, const std::string& primitive_name,
                    CaseRunner run) {
    auto it = std::find_if(scenarios_.begin(), scenarios_.end(),
                           [&](const ScenarioInfo& x) { return x.name == scenario_name; });
    if (it == scenarios_.end() || !primitive(primitive_name))
        throw std::logic_error("binding of unknown scenario/primitive: " + scenario_name + "/" +
                               primitive_name);
    if (!it->runners.count(primitive_name)) it->primitives.push_back(primitive_name);
    it->runners[primitive_name] = std::move(run);
}

const ScenarioInfo* Registry::scenario(const std::string& name) const {
    for (const auto& s : scenarios_)
        if (s.name == name) return &s;
    return nullptr;
}

const SuiteInfo* Registry::suite(const std::string& name) const {
    for (const auto& s : suites_)
        if (s.name == name) return &s;
    return nullptr;
}

const PrimitiveInfo* Registry::primitive(const std::string& name) const {
    for (const auto& p : primitives_)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace contend
