#pragma once
// The catalogue of suites, scenarios and primitives. Suites fill it through
// an explicit call (register_locks(Registry&)); the harness only looks things
// up by name. A binding is one scenario × one primitive: a function that runs
// one repetition of a case. Type erasure stops here, at case granularity; the
// measured loop inside is a template over the primitive.
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/params.hpp"
#include "harness/primitive_info.hpp"
#include "harness/sample.hpp"

namespace contend {

struct Perturbation;
namespace cycle_clock {
struct Calibration;
}

// Everything one repetition of a case needs to know.
struct CaseConfig {
    std::string scenario;
    const PrimitiveInfo* primitive = nullptr;
    ParamPoint params;  // every parameter of the scenario, threads included
    int threads = 1;
    std::int64_t warmup_ns = 0, duration_ns = 0;
    std::vector<int> thread_cpus;    // CPU per thread; empty = unpinned
    std::int64_t latency_ns = 0;     // the latency phase after the window (0: none)
    std::uint32_t sample_every = 0;  // latency sampling, 1 in N; 0: chosen per thread
    int repetition = 0;
    const cycle_clock::Calibration* clock = nullptr;
    const Perturbation* perturb = nullptr;  // stress trials only (perturbation.hpp)
    // Stress trials: told the stall watch's finding at once (TeamConfig::on_stall).
    std::function<void(const std::string& what, bool stopped)> on_stall{};
};

using CaseRunner = std::function<Sample(const CaseConfig&)>;

struct ScenarioInfo {
    std::string name;  // "locks.contention"
    std::string suite;
    std::string doc;
    std::vector<ParamSpec> params;        // "threads" first
    std::vector<std::string> primitives;  // in registration order
    std::map<std::string, CaseRunner> runners;
    // Threads a case runs; unset: its "threads" parameter.
    std::function<int(const ParamPoint&)> thread_count{};
    // Why a primitive cannot run one point of the grid ("" if it can), e.g. a
    // producer/consumer shape it does not support. A primitive the user named
    // gets a usage error; one chosen by default is skipped at that point.
    std::function<std::string(const PrimitiveInfo&, const ParamPoint&)> unsupported{};
    // Points that would repeat another case for this primitive (e.g. a relax
    // policy for a lock that never spins): always skipped, named or not.
    std::function<bool(const PrimitiveInfo&, const ParamPoint&)> not_applicable{};
    // Tortured by `contend stress` when no scenario is named: a scenario whose
    // figures are correctness-checked (mutual exclusion, delivery, tasks run
    // once) and whose parameters are worth randomising.
    bool stress = false;

    const ParamSpec* param(const std::string& n) const;
};

// A control case that measures the harness alone (e.g. locks.contention with
// the `none` lock, one thread, no delays). Every run measures each one beside
// an empty loop and records the ratio (context.fidelity).
struct FidelityProbe {
    std::string scenario, primitive;
    std::map<std::string, std::string> values;  // parameter -> value (one point)
    std::string what;                           // one line: what the ratio says
};

struct SuiteInfo {
    std::string name, doc;
    std::vector<std::string> scenarios;
};

class Registry {
  public:
    void add_suite(std::string name, std::string doc);
    ScenarioInfo& add_scenario(ScenarioInfo s);
    // Registers the primitive once (its info must agree across scenarios).
    const PrimitiveInfo& add_primitive(const PrimitiveInfo& p);
    void bind(const std::string& scenario, const std::string& primitive, CaseRunner run);
    void add_fidelity_probe(FidelityProbe p) { probes_.push_back(std::move(p)); }
    const std::vector<FidelityProbe>& fidelity_probes() const { return probes_; }

    const std::vector<SuiteInfo>& suites() const { return suites_; }
    const std::deque<ScenarioInfo>& scenarios() const { return scenarios_; }
    const ScenarioInfo* scenario(const std::string& name) const;
    const SuiteInfo* suite(const std::string& name) const;
    const PrimitiveInfo* primitive(const std::string& name) const;
    const std::deque<PrimitiveInfo>& primitives() const { return primitives_; }

  private:
    std::vector<SuiteInfo> suites_;
    std::deque<ScenarioInfo> scenarios_;  // deque: CaseConfig keeps pointers
    std::deque<PrimitiveInfo> primitives_;
    std::vector<FidelityProbe> probes_;
};

// Every suite of the build, in a fixed order. With `with_test_primitives`,
// also the primitives that exist only to test the harness (one that never
// releases, one that crashes).
void register_all(Registry& r, bool with_test_primitives);

}  // namespace contend
