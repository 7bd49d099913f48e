#pragma once
// Binds a lock type to the lock scenarios its concepts allow: every lock to
// locks.contention, and a lock with lock_shared()/unlock_shared() also to
// locks.rw. The one way a lock enters the registry, for the built-in
// catalogue (lock_catalog.hpp) and a user's own lock alike (user_lock.hpp).
#include <utility>

#include "harness/registry.hpp"
#include "suites/locks/contention_scenario.hpp"
#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/relax.hpp"
#include "suites/locks/rw_scenario.hpp"

namespace contend {

namespace locks {
inline constexpr const char* kContention = "locks.contention";
inline constexpr const char* kRw = "locks.rw";
}  // namespace locks

struct LockBinder {
    Registry& r;

    template <class Lock>
    void bind_one(PrimitiveInfo info, CaseRunner contention, CaseRunner rw) {
        info.size_bytes = sizeof(Lock);
        info.align_bytes = alignof(Lock);
        const auto& p = r.add_primitive(info);
        r.bind(locks::kContention, p.name, std::move(contention));
        if (rw) r.bind(locks::kRw, p.name, std::move(rw));
    }

    // A lock templated on its relax policy: the `relax` parameter picks it.
    template <template <class> class L>
    void spinning(PrimitiveInfo info) {
        auto contention = [](const CaseConfig& c) {
            return locks::with_relax<L>(
                c, [&]<class Lock>() { return locks::run_contention<Lock>(c); });
        };
        CaseRunner rw;
        if constexpr (SharedLockable<L<relax::Pause>>)
            rw = [](const CaseConfig& c) {
                return locks::with_relax<L>(c,
                                            [&]<class Lock>() { return locks::run_rw<Lock>(c); });
            };
        bind_one<L<relax::Pause>>(std::move(info), contention, rw);
    }

    template <class L>
    void plain(PrimitiveInfo info) {
        CaseRunner rw;
        if constexpr (SharedLockable<L>)
            rw = [](const CaseConfig& c) { return locks::run_rw<L>(c); };
        bind_one<L>(
            std::move(info), [](const CaseConfig& c) { return locks::run_contention<L>(c); }, rw);
    }
};

}  // namespace contend
