// problems.gil — does a global interpreter lock stop threads from scaling?
// (gil_workload.hpp has the methodology, gil_model.hpp the lock.)
//
// The workload mix is part of what is run, not only a parameter: the
// scenario's question is "CPU-bound tasks do not scale under the GIL, I/O-bound
// ones do", and a default run (one value per parameter) must answer it. So
// each lock model comes twice, CPU-bound (no I/O) and I/O-bound (`io_pct` %
// of each task blocked): four primitives, one figure. `io_pct` applies to the
// _io primitives only; `--primitive gil_io,no_gil_io --set io_pct=0..90:+30`
// sweeps the mix.
#include <string>

#include "suites/problems/gil_workload.hpp"
#include "suites/problems/register_problems.hpp"

namespace contend {
namespace {

constexpr const char* kGil = "problems.gil";
constexpr std::int64_t kDefaultIoPct = 90;

bool io_bound(const PrimitiveInfo& p) {
    return p.name.ends_with("_io");
}

int io_pct_of(const CaseConfig& c) {
    return io_bound(*c.primitive) ? static_cast<int>(c.params.integer("io_pct")) : 0;
}

// The busy-work unit is the granularity at which the holder notices a drop
// request; a unit longer than the task's whole CPU part cannot be honoured.
std::string unit_too_long(const PrimitiveInfo& p, const ParamPoint& point) {
    const std::int64_t io = io_bound(p) ? point.integer("io_pct") : 0;
    const std::int64_t cpu_ns = point.integer("task_us") * 1000 * (100 - io) / 100;
    if (point.integer("unit_ns") > cpu_ns)
        return "unit_ns (" + std::to_string(point.integer("unit_ns")) +
               ") exceeds the CPU part of a task (" + std::to_string(cpu_ns) +
               " ns = task_us x (100 - io_pct) %)";
    return "";
}

// CPU-bound primitives ignore io_pct: other values would repeat their case.
bool io_pct_irrelevant(const PrimitiveInfo& p, const ParamPoint& point) {
    return !io_bound(p) && point.integer("io_pct") != kDefaultIoPct;
}

}  // namespace

void register_gil_scenario(Registry& r) {
    auto& s = r.add_scenario(
        {kGil,
         "problems",
         "a global interpreter lock (CPython 3.2+ style, forced switching): CPU-bound tasks "
         "take turns, I/O-bound tasks overlap; beside the same tasks with no global lock",
         {ParamSpec::integer("threads", 2, 1, 1024, "",
                             "interpreter threads (more than CPUs = oversubscribed)", true),
          ParamSpec::integer("io_pct", kDefaultIoPct, 0, 99, "%",
                             "share of a task blocked in I/O with the GIL released (_io only)")
              .in_preset("full", "0,50,90"),
          ParamSpec::integer("task_us", 500, 10, 1'000'000, "us",
                             "duration of one task (CPU part + I/O part)"),
          // CPython's default is 5000 µs; 1000 gives ~60 switches in a 60 ms
          // window instead of 12, enough for the turn-taking to average out.
          ParamSpec::integer("switch_us", 1000, 10, 1'000'000, "us",
                             "switch interval: a waiter asks the holder to drop after it")
              .in_preset("full", "1000,5000"),
          ParamSpec::integer("unit_ns", 1000, 10, 1'000'000, "ns",
                             "busy work between two polls of the drop request (a 'bytecode')")},
         {},
         {}});
    s.unsupported = unit_too_long;
    s.not_applicable = io_pct_irrelevant;

    using problems::GlobalInterpreterLock;
    using problems::run_gil;
    auto add = [&](PrimitiveInfo info, CaseRunner run) {
        r.add_primitive(info);
        r.bind(kGil, info.name, std::move(run));
    };
    const PrimitiveInfo gil{.family = "gil",
                            .blocking = true,
                            .size_bytes = sizeof(GlobalInterpreterLock),
                            .align_bytes = alignof(GlobalInterpreterLock)};
    const PrimitiveInfo baseline{.family = "free"};
    auto named = [](PrimitiveInfo p, const char* name, const char* description) {
        p.name = name;
        p.description = description;
        return p;
    };
    add(named(gil, "gil_cpu",
              "CPU-bound tasks under a global interpreter lock: CPython's new GIL "
              "(drop request after switch_us, forced switching)"),
        [](const CaseConfig& c) { return run_gil<true>(c, 0); });
    add(named(gil, "gil_io",
              "I/O-bound tasks under the GIL: released around each blocking wait (io_pct)"),
        [](const CaseConfig& c) { return run_gil<true>(c, io_pct_of(c)); });
    add(named(baseline, "no_gil_cpu", "the same CPU-bound tasks with no global lock (baseline)"),
        [](const CaseConfig& c) { return run_gil<false>(c, 0); });
    add(named(baseline, "no_gil_io", "the same I/O-bound tasks with no global lock (baseline)"),
        [](const CaseConfig& c) { return run_gil<false>(c, io_pct_of(c)); });
}

}  // namespace contend
