#pragma once
// Your own lock in contend. The whole of what you write:
//
//   #include "suites/locks/user_lock.hpp"
//   class MyLock { public: void lock(); void unlock(); };
//   CONTEND_LOCK(MyLock, .name = "my_lock", .description = "what it is", .fair = true);
//
// and, in CMake, `find_package(contend)` and `contend_add_executable(mybench
// mybench.cpp)`. The executable is contend (list, run, stress, micro, env)
// with your lock in the catalogue beside the built-in ones: in
// locks.contention, in locks.rw as well if it has lock_shared() and
// unlock_shared(), validated for mutual exclusion like every lock, in the
// micro suite (lock/<name>), in the JSON, the plots and the regression gate.
//
// The second argument is a LockDeclaration's designated initialisers, in its
// order (lock_promises.hpp): name, family, description, fair, blocking,
// spins, max_threads, mutual_exclusion, control. `.control = true` keeps a lock out of
// default runs (a deliberately broken variant, say); name it with
// --primitive. A type whose name has commas (a template) needs an alias.
#include <concepts>

#include "harness/extensions.hpp"
#include "suites/locks/lock_binder.hpp"
#include "suites/locks/lock_promises.hpp"
#include "suites/micro/micro_lock_benchmarks.hpp"

namespace contend {

// One readable error per missing member, instead of a template backtrace
// from deep inside the scenario.
template <class L>
constexpr bool check_user_lock() {
    static_assert(std::default_initializable<L>,
                  "contend: a lock must be default-constructible (the scenario makes one)");
    static_assert(
        requires(L & l) { l.lock(); }, "contend: a lock needs a member `void lock()`");
    static_assert(
        requires(L & l) { l.unlock(); }, "contend: a lock needs a member `void unlock()`");
    return Lockable<L>;
}

template <class L>
bool register_user_lock(LockDeclaration declared) {
    if constexpr (check_user_lock<L>()) {
        if (declared.family.empty()) declared.family = declared.control ? "control" : "user";
        const PrimitiveInfo info = declared;
        micro::register_lock_benchmarks<L>(info, "");  // `micro`: its uncontended cost
        return add_extension([info](Registry& r) { LockBinder{r}.plain<L>(info); });
    } else {
        return false;
    }
}

}  // namespace contend

#define CONTEND_LOCK(Type, ...)                                             \
    [[maybe_unused]] static const bool CONTEND_UNIQUE_NAME(contend_lock_) = \
        ::contend::register_user_lock<Type>(::contend::LockDeclaration{__VA_ARGS__})
