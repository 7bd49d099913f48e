#include "suites/locks/register_locks.hpp"

#include "harness/registry.hpp"
#include "suites/locks/lock_binder.hpp"
#include "suites/locks/lock_catalog.hpp"
#include "suites/locks/test_only_locks.hpp"

namespace contend {
namespace {

ParamSpec threads_param() {
    return ParamSpec::integer("threads", 2, 1, 1024, "",
                              "worker threads (more than CPUs = oversubscribed)", true);
}
ParamSpec relax_param() {
    return ParamSpec::choice("relax", "pause", {"pause", "none", "yield"},
                             "instruction in spin loops (spinning primitives only)");
}
ParamSpec ns_param(const char* name, std::int64_t def, const char* doc) {
    return ParamSpec::integer(name, def, 0, 100'000'000, "ns", doc, true);
}

// A lock that serves a bounded number of threads (array) cannot run beyond it.
std::string too_many_threads(const PrimitiveInfo& p, const ParamPoint& point) {
    if (p.max_threads && point.integer("threads") > p.max_threads)
        return "it serves at most " + std::to_string(p.max_threads) + " threads at once";
    return "";
}

// The relax policy changes nothing for a lock that does not spin.
bool relax_irrelevant(const PrimitiveInfo& p, const ParamPoint& point) {
    return !p.spins && point.choice("relax") != "pause";
}

void add_scenarios(Registry& r) {
    r.add_suite("locks", "mutexes, spinlocks and reader-writer locks under contention");
    auto& contention = r.add_scenario(
        {locks::kContention,
         "locks",
         "threads hammer one lock: throughput, fairness, acquire wait, handoff",
         {threads_param(), ns_param("cs_ns", 100, "busy work inside the lock"),
          // full: no think time flatters unfair locks; the sweep separates them.
          ns_param("think_ns", 400, "busy work between acquisitions")
              .in_preset("full", "0,400,4000"),
          ParamSpec::integer("cs_lines", 1, 0, 64, "lines",
                             "cache lines written inside the lock, the validation line first "
                             "(0 and 1: that line only)"),
          relax_param()},
         {},
         {}});
    contention.stress = true;
    contention.unsupported = too_many_threads;
    contention.not_applicable = relax_irrelevant;
    auto& rw = r.add_scenario(
        {locks::kRw,
         "locks",
         "readers and writers share one rw lock: read/write throughput, writer wait",
         {threads_param(),
          ParamSpec::integer("read_pct", 90, 0, 100, "%", "share of operations that read", true)
              .in_preset("full", "50,90,99"),
          ns_param("cs_ns", 100, "busy work inside the lock"),
          ns_param("think_ns", 400, "busy work between acquisitions"), relax_param()},
         {},
         {}});
    rw.stress = true;
    rw.unsupported = too_many_threads;
    rw.not_applicable = relax_irrelevant;
}

}  // namespace

void register_locks(Registry& r, bool with_test_primitives) {
    add_scenarios(r);
    LockBinder binder{r};
    for_each_lock(binder);
    r.add_fidelity_probe({"locks.contention",
                          "none",
                          {{"threads", "1"}, {"cs_ns", "0"}, {"think_ns", "0"}, {"cs_lines", "0"}},
                          "the harness's loop with no lock and no validation, per operation"});
    if (with_test_primitives) {
        binder.plain<locks::NeverReleasesLock>(
            {.name = "test_never_releases",
             .family = "test",
             .description = "test only: never releases, must be reported timeout",
             .control = true,
             .test_only = true});
        binder.plain<locks::CrashingLock>(
            {.name = "test_crashes",
             .family = "test",
             .description = "test only: segfaults on its 1000th acquisition",
             .control = true,
             .test_only = true});
        binder.plain<locks::RacyStatsLock>(
            {.name = "test_races",
             .family = "test",
             .description = "test only: a plain counter written outside the lock (TSan's control)",
             .control = true,
             .test_only = true});
        binder.plain<locks::OverflowingLock>(
            {.name = "test_overflows",
             .family = "test",
             .description = "test only: reads past a heap array once (ASan's control)",
             .control = true,
             .test_only = true});
    }
}

}  // namespace contend
