#include "harness/stress_trial.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace contend {
namespace {

// splitmix64: one well-mixed seed per trial from the run's seed and its id.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::int64_t uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, std::max(lo, hi))(rng);
}

// Log-uniform in [lo, hi] (lo >= 1): small values as likely as large ones.
std::int64_t log_uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
    lo = std::max<std::int64_t>(lo, 1);
    hi = std::max(lo, hi);
    const double x = std::uniform_real_distribution<double>(
        std::log(static_cast<double>(lo)), std::log(static_cast<double>(hi) + 1))(rng);
    return std::clamp(static_cast<std::int64_t>(std::exp(x)), lo, hi);
}

bool chance(std::mt19937_64& rng, double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

// Upper bounds that keep one trial short whatever the declared range allows.
constexpr std::int64_t kLongDelayNs = 200'000;  // a "long" critical section or task
constexpr std::int64_t kMostItems = 4096;       // capacities, tasks in flight

ParamValue draw_value(const ParamSpec& spec, std::mt19937_64& rng, int cpus) {
    if (spec.type == ParamType::Choice)
        return spec.choices[static_cast<std::size_t>(
            uniform(rng, 0, static_cast<std::int64_t>(spec.choices.size()) - 1))];
    const auto clamp = [&](std::int64_t v) { return std::clamp(v, spec.min, spec.max); };
    const std::string& n = spec.name;
    if (n == "threads") {
        // The edges (1, the CPUs, one more than the CPUs) or anything up to 4x.
        const std::int64_t edges[] = {1, 2, cpus, cpus + 1, 2 * cpus, 4 * cpus};
        return clamp(chance(rng, 0.5) ? edges[uniform(rng, 0, 5)] : uniform(rng, 1, 4 * cpus));
    }
    if (n == "producers" || n == "consumers" || n == "submitters")
        return clamp(chance(rng, 0.4) ? 1 : uniform(rng, 1, 2 * cpus));
    if (n == "capacity")  // tiny queues are always full or empty
        return clamp(chance(rng, 0.4) ? uniform(rng, 1, 3) : log_uniform(rng, 1, kMostItems));
    if (spec.unit == "ns") {
        if (chance(rng, 0.4)) return clamp(0);
        return clamp(log_uniform(rng, 1, std::min(spec.max, kLongDelayNs)));
    }
    if (spec.max - spec.min <= 128) return uniform(rng, spec.min, spec.max);
    return clamp(log_uniform(rng, spec.min, std::min(spec.max, kMostItems)));
}

}  // namespace

std::vector<StressTarget> stress_targets(const Registry& r, const std::vector<std::string>& targets,
                                         const std::vector<std::string>& primitives) {
    std::vector<const ScenarioInfo*> scenarios;
    for (const ScenarioInfo* s : resolve_targets(r, targets))
        if (!targets.empty() || s->stress) scenarios.push_back(s);
    for (const auto& p : primitives) {
        const bool known = std::any_of(scenarios.begin(), scenarios.end(), [&](auto* s) {
            return std::find(s->primitives.begin(), s->primitives.end(), p) != s->primitives.end();
        });
        if (!known)
            throw UsageError("--primitive: '" + p +
                             "' does not run in the chosen scenarios (see contend list)");
    }
    std::vector<StressTarget> out;
    for (const ScenarioInfo* s : scenarios)
        for (const auto& name : s->primitives) {
            const PrimitiveInfo* info = r.primitive(name);
            const bool asked =
                std::find(primitives.begin(), primitives.end(), name) != primitives.end();
            if (primitives.empty() ? !info->control && !info->test_only : asked)
                out.push_back({s, info});
        }
    if (out.empty()) throw UsageError("stress: nothing to torture (no primitive matches)");
    return out;
}

nlohmann::json StressTrial::to_json() const {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [name, v] : kase.params.values())
        params[name] = std::holds_alternative<std::int64_t>(v)
                           ? nlohmann::json(std::get<std::int64_t>(v))
                           : nlohmann::json(std::get<std::string>(v));
    return {{"id", id},
            {"seed", seed},
            {"case", kase.name},
            {"scenario", kase.scenario->name},
            {"primitive", kase.primitive->name},
            {"params", params},
            {"threads", kase.threads},
            {"duration_ns", duration_ns},
            {"perturbation", perturb.to_json()}};
}

StressTrial draw_trial(const std::vector<StressTarget>& targets, std::uint64_t run_seed, int id,
                       int cpus) {
    StressTrial t;
    t.id = id;
    t.seed = mix(run_seed ^ mix(static_cast<std::uint64_t>(id)));
    std::mt19937_64 rng(t.seed);
    const StressTarget& target = targets[static_cast<std::size_t>(id) % targets.size()];
    const ScenarioInfo& s = *target.scenario;
    // Draw until the primitive can run the point (a queue's shapes, a lock's
    // thread limit); the scenario's defaults are the fallback, and they always can.
    for (int attempt = 0; attempt < 64; ++attempt) {
        PlannedCase c;
        c.scenario = &s;
        c.primitive = target.primitive;
        for (const auto& spec : s.params)
            c.params.set(spec.name, attempt < 63 ? draw_value(spec, rng, cpus)
                                    : spec.type == ParamType::Integer
                                        ? ParamValue(spec.default_int)
                                        : ParamValue(spec.default_choice));
        const bool refused = (s.unsupported && !s.unsupported(*c.primitive, c.params).empty()) ||
                             (s.not_applicable && s.not_applicable(*c.primitive, c.params));
        if (refused && attempt < 63) continue;
        if (s.thread_count)
            c.threads = s.thread_count(c.params);
        else if (const ParamValue* v = c.params.find("threads"))
            c.threads = static_cast<int>(std::get<std::int64_t>(*v));
        c.name = case_name(s, c.primitive->name, c.params);
        t.kase = std::move(c);
        break;
    }
    t.duration_ns = uniform(rng, 20, 150) * 1'000'000;
    t.warmup_ns = 2'000'000;
    t.perturb = Perturbation::draw(rng);
    return t;
}

}  // namespace contend
