#include "harness/case_plan.hpp"

#include <algorithm>
#include <set>

namespace contend {
namespace {

std::string join_names(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

}  // namespace

std::vector<const ScenarioInfo*> resolve_targets(const Registry& r,
                                                 const std::vector<std::string>& targets) {
    std::vector<const ScenarioInfo*> out;
    auto add = [&](const ScenarioInfo* s) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    };
    if (targets.empty())
        for (const auto& s : r.scenarios()) add(&s);
    for (const auto& t : targets) {
        if (auto* s = r.scenario(t)) {
            add(s);
        } else if (auto* suite = r.suite(t)) {
            for (const auto& name : suite->scenarios) add(r.scenario(name));
        } else {
            std::vector<std::string> allowed;
            for (const auto& su : r.suites()) allowed.push_back(su.name);
            for (const auto& sc : r.scenarios()) allowed.push_back(sc.name);
            throw UsageError("scenario: '" + t +
                             "' is not a suite or scenario (allowed: " + join_names(allowed) + ")");
        }
    }
    return out;
}

std::string case_name(const ScenarioInfo& s, const std::string& primitive, const ParamPoint& p) {
    std::string name = s.name + "/" + primitive;
    for (const auto& spec : s.params) {
        const ParamValue* v = p.find(spec.name);
        if (!v) continue;
        const bool at_default = spec.type == ParamType::Integer
                                    ? std::get<std::int64_t>(*v) == spec.default_int
                                    : std::get<std::string>(*v) == spec.default_choice;
        if (spec.always_in_name || !at_default) name += "/" + spec.name + ":" + to_string(*v);
    }
    return name;
}

std::vector<PlannedCase> plan_cases(const Registry& r, const PlanRequest& req) {
    const auto scenarios = resolve_targets(r, req.targets);
    std::string any_refusal;  // the first point of the whole plan that cannot run, and why

    // Every --set parameter and --primitive must mean something to at least one scenario.
    for (const auto& [param, text] : req.values) {
        if (param == "threads" &&
            std::none_of(scenarios.begin(), scenarios.end(),
                         [](const ScenarioInfo* s) { return s->param("threads") != nullptr; }))
            throw UsageError(
                "--threads: no chosen scenario takes a thread count (set its own parameters, "
                "e.g. --set producers=1,2)");
        bool known = false;
        std::set<std::string> allowed;
        for (auto* s : scenarios)
            for (const auto& spec : s->params) {
                allowed.insert(spec.name);
                known |= spec.name == param;
            }
        if (!known)
            throw UsageError("--set: unknown parameter '" + param +
                             "' (allowed: " + join_names({allowed.begin(), allowed.end()}) + ")");
    }
    for (const auto& prim : req.primitives) {
        bool known = false;
        std::set<std::string> allowed;
        for (auto* s : scenarios)
            for (const auto& p : s->primitives) {
                allowed.insert(p);
                known |= p == prim;
            }
        if (!known)
            throw UsageError("--primitive: '" + prim +
                             "' is not in the chosen scenarios (allowed: " +
                             join_names({allowed.begin(), allowed.end()}) + ")");
    }

    std::vector<PlannedCase> cases;
    for (auto* s : scenarios) {
        // Value lists per parameter, in declaration order.
        std::vector<std::pair<const ParamSpec*, std::vector<ParamValue>>> axes;
        for (const auto& spec : s->params) {
            std::vector<ParamValue> values;
            const std::string what = spec.name == "threads" ? "--threads" : "--set " + spec.name;
            if (auto it = req.values.find(spec.name); it != req.values.end())
                values = parse_values(spec, it->second, what);
            else if (auto it2 = spec.preset_values.find(req.preset);
                     it2 != spec.preset_values.end())
                values =
                    parse_values(spec, it2->second,
                                 "--preset " + req.preset + " (" + s->name + " " + spec.name + ")");
            else if (spec.name == "threads" && !req.default_threads.empty())
                values = parse_values(spec, req.default_threads, "--preset (threads)");
            else if (spec.type == ParamType::Integer)
                values.emplace_back(spec.default_int);
            else
                values.emplace_back(spec.default_choice);
            axes.emplace_back(&spec, std::move(values));
        }
        std::vector<std::string> prims;
        for (const auto& p : s->primitives) {
            const PrimitiveInfo* info = r.primitive(p);
            const bool asked =
                std::find(req.primitives.begin(), req.primitives.end(), p) != req.primitives.end();
            if (req.primitives.empty() ? !info->control : asked) prims.push_back(p);
        }
        // Cartesian product, last parameter varying fastest; primitives outermost
        // so one primitive's points run together.
        for (const auto& prim : prims) {
            std::vector<std::size_t> idx(axes.size(), 0);
            const std::size_t planned_before = cases.size();
            std::string first_refusal;  // why the first unsupported point cannot run
            while (true) {
                PlannedCase c;
                c.scenario = s;
                c.primitive = r.primitive(prim);
                for (std::size_t a = 0; a < axes.size(); ++a)
                    c.params.set(axes[a].first->name, axes[a].second[idx[a]]);
                if (s->thread_count)
                    c.threads = s->thread_count(c.params);
                else if (auto* t = c.params.find("threads"))
                    c.threads = static_cast<int>(std::get<std::int64_t>(*t));
                c.name = case_name(*s, prim, c.params);
                const std::string why =
                    s->unsupported ? s->unsupported(*c.primitive, c.params) : "";
                const bool repeat =
                    (s->not_applicable && s->not_applicable(*c.primitive, c.params)) ||
                    std::any_of(cases.begin(), cases.end(),
                                [&](const PlannedCase& x) { return x.name == c.name; });
                if (repeat) {
                    // same code, same figures as a case already planned: skip
                } else if (why.empty())
                    cases.push_back(std::move(c));
                else if (first_refusal.empty())
                    first_refusal = c.name + ": " + why;
                if (!why.empty() && any_refusal.empty()) any_refusal = c.name + ": " + why;
                std::size_t a = axes.size();
                while (a > 0) {
                    --a;
                    if (++idx[a] < axes[a].second.size()) break;
                    idx[a] = 0;
                    if (a == 0) goto next_primitive;
                }
                if (axes.empty()) break;
            }
        next_primitive:
            // A sweep skips the points a primitive cannot run (SPSC queues at
            // 2x2, say); a primitive the user named that can run none of them
            // is an error worth a line.
            if (!req.primitives.empty() && cases.size() == planned_before && !first_refusal.empty())
                throw UsageError("--primitive: " + prim + " cannot run " + first_refusal);
        }
    }
    // Every point refused, no primitive named: say why rather than "nothing".
    if (cases.empty() && !any_refusal.empty())
        throw UsageError("--set: nothing can run these values (e.g. " + any_refusal + ")");
    return cases;
}

}  // namespace contend
