#pragma once
// Binds a lock type to every lock scenario that accepts it (LockScenarios):
// locks.contention takes every lock, locks.rw those with lock_shared() and
// unlock_shared(). The one way a lock enters the registry, for the
// built-in catalogue (lock_catalog.hpp) and a user's own lock alike
// (user_lock.hpp). A new lock scenario is its <name>_scenario.hpp with a
// binding (name, describe(), accepts, run), <name>_scenario.cpp defining
// describe() (its parameters, presets and what a lock must support), and
// one entry in LockScenarios.
#include <tuple>
#include <utility>

#include "harness/registry.hpp"
#include "harness/relax.hpp"
#include "suites/locks/contention_scenario.hpp"
#include "suites/locks/lock_concepts.hpp"
#include "suites/locks/relax_dispatch.hpp"
#include "suites/locks/rw_scenario.hpp"

namespace contend {

namespace locks {
using LockScenarios = std::tuple<ContentionBinding, RwBinding>;

// Calls f.template operator()<Binding>() for each lock scenario.
template <class F>
void for_each_lock_scenario(F&& f) {
    std::apply([&](auto... bindings) { (f.template operator()<decltype(bindings)>(), ...); },
               LockScenarios{});
}
}  // namespace locks

struct LockBinder {
    Registry& r;

    // A lock templated on its relax policy: the `relax` parameter picks it.
    template <template <class> class L>
    void spinning(PrimitiveInfo info) {
        const auto& p = add<L<relax::Pause>>(std::move(info));
        locks::for_each_lock_scenario([&]<class S>() {
            if constexpr (S::template accepts<L<relax::Pause>>)
                r.bind(S::name, p.name, [](const CaseConfig& c) {
                    return locks::with_relax<L>(
                        c, [&]<class Lock>() { return S::template run<Lock>(c); });
                });
        });
    }

    template <class L>
    void plain(PrimitiveInfo info) {
        const auto& p = add<L>(std::move(info));
        locks::for_each_lock_scenario([&]<class S>() {
            if constexpr (S::template accepts<L>)
                r.bind(S::name, p.name, [](const CaseConfig& c) { return S::template run<L>(c); });
        });
    }

  private:
    template <class Lock>
    const PrimitiveInfo& add(PrimitiveInfo info) {
        info.size_bytes = sizeof(Lock);
        info.align_bytes = alignof(Lock);
        return r.add_primitive(info);
    }
};

}  // namespace contend
