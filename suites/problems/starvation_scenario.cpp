// problems.starvation — reader-writer starvation, measured: under a
// read-heavy load, what do the writers get? Every reader-writer lock of the
// lock catalogue (family "rwlock", same names and properties as in locks.rw,
// so they are the same primitives) plus glibc's writer-preferring rwlock,
// which exists only here to put the default, reader-preferring kind in
// contrast. The rw-capable control broken_rw runs when named, to prove the
// validation. They are bound as the lock scenarios bind them: the relax
// policy of a spinning lock and a lock's thread limit come from the lock
// suite (relax_dispatch.hpp, lock_scenario_params.hpp), since both are
// properties of its primitives. Methodology: starvation_run.hpp.
#include "harness/registry.hpp"
#include "suites/locks/lock_catalog.hpp"
#include "suites/locks/lock_scenario_params.hpp"
#include "suites/locks/relax_dispatch.hpp"
#include "suites/problems/register_problems.hpp"
#include "suites/problems/starvation_pthread_rwlock_wpref.hpp"
#include "suites/problems/starvation_run.hpp"

namespace contend {
namespace {

constexpr const char* kScenario = "problems.starvation";

// Binds the catalogue's reader-writer locks (and rw-capable controls).
struct StarvationBinder {
    Registry& r;

    static bool wanted(const PrimitiveInfo& info) {
        return info.family == "rwlock" || info.control;
    }

    template <class Lock>
    void bind(PrimitiveInfo info, CaseRunner run) {
        info.size_bytes = sizeof(Lock);
        info.align_bytes = alignof(Lock);
        const auto& p = r.add_primitive(info);
        r.bind(kScenario, p.name, std::move(run));
    }

    template <template <class> class L>
    void spinning(PrimitiveInfo info) {
        if constexpr (SharedLockable<L<relax::Pause>>) {
            if (!wanted(info)) return;
            bind<L<relax::Pause>>(std::move(info), [](const CaseConfig& c) {
                return locks::with_relax<L>(
                    c, [&]<class Lock>() { return starvation::run_starvation<Lock>(c); });
            });
        }
    }

    template <class L>
    void plain(PrimitiveInfo info) {
        if constexpr (SharedLockable<L>) {
            if (!wanted(info)) return;
            bind<L>(std::move(info),
                    [](const CaseConfig& c) { return starvation::run_starvation<L>(c); });
        }
    }
};

}  // namespace

void register_starvation_scenario(Registry& r) {
    auto ns = [](const char* name, std::int64_t def, const char* doc) {
        return ParamSpec::integer(name, def, 0, 100'000'000, "ns", doc);
    };
    auto& s = r.add_scenario(
        {kScenario,
         "problems",
         "reader-writer starvation: dedicated readers keep an rw lock read-held; writer ops/s, "
         "writer wait p50..max, threads that got nothing in the window",
         {ParamSpec::integer("readers", 3, 1, 512, "", "reader threads", true)
              .in_preset("full", "1,3,7"),
          ParamSpec::integer("writers", 1, 1, 512, "", "writer threads", true)
              .in_preset("full", "1,2"),
          ns("read_cs_ns", 5'000, "busy work while read-holding (long: readers overlap)"),
          ns("read_think_ns", 1'000, "busy work between reads"),
          ns("write_cs_ns", 1'000, "busy work while write-holding"),
          ns("write_think_ns", 50'000, "busy work between writes"), locks::relax_param()},
         {},
         {}});
    s.thread_count = [](const ParamPoint& p) {
        return static_cast<int>(p.integer("readers") + p.integer("writers"));
    };
    s.unsupported = [](const PrimitiveInfo& p, const ParamPoint& point) {
        return locks::more_threads_than_served(p,
                                               point.integer("readers") + point.integer("writers"));
    };
    s.not_applicable = locks::relax_irrelevant;
    StarvationBinder binder{r};
    for_each_lock(binder);
    binder.bind<PthreadRwlockWriterPref>(
        {.name = "pthread_rwlock_wpref",
         .family = "rwlock",
         .description = "pthread_rwlock_t, PREFER_WRITER_NONRECURSIVE_NP: writer-preferring",
         .blocking = true},
        [](const CaseConfig& c) { return starvation::run_starvation<PthreadRwlockWriterPref>(c); });
}

}  // namespace contend
