#pragma once
// A spinning lock is a template over its relax policy (relax.hpp); the case's
// `relax` parameter picks the instantiation that runs. Used wherever such a
// lock is bound to a scenario: the lock scenarios (lock_binder.hpp) and the
// problems that run the catalogue's locks.
#include <string>

#include "harness/registry.hpp"
#include "harness/relax.hpp"
#include "harness/sample.hpp"

namespace contend::locks {

// Runs fn.template operator()<L<Relax>>() for the relax policy the case asks
// for, and records which one ran.
template <template <class> class L, class Fn>
Sample with_relax(const CaseConfig& c, Fn&& fn) {
    auto run = [&]<class R>() {
        Sample s = fn.template operator()<L<R>>();
        s.row_extra["relax_applied"] = R::name;
        return s;
    };
    const std::string& r = c.params.choice("relax");
    Sample s;
    bool ran = false;
    relax::for_each_policy([&]<class R>() {
        if (!ran && r == R::name) {
            s = run.template operator()<R>();
            ran = true;
        }
    });
    return ran ? s : run.template operator()<relax::Pause>();
}

}  // namespace contend::locks
