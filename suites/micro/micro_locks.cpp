// Uncontended cost of one lock+unlock for every lock in the catalog (the
// method: micro_lock_benchmarks.hpp).
#include <string>
#include <type_traits>

#include "harness/primitive_info.hpp"
#include "harness/relax.hpp"
#include "suites/locks/lock_catalog.hpp"
#include "suites/micro/micro_lock_benchmarks.hpp"
#include "suites/micro/micro_suite.hpp"

namespace contend {
namespace {

using micro::register_lock_benchmarks;

struct MicroLockVisitor {
    // Uncontended, a spinning lock never reaches its relax instruction, so
    // the relax:none, relax:yield (and on AArch64 relax:isb and relax:wfe)
    // variants should cost the same as the default: a difference means the
    // policy leaked into the fast path.
    template <template <class Relax> class L>
    void spinning(PrimitiveInfo info) {
        if (info.test_only) return;
        relax::for_each_policy([&]<class R>() {
            const bool by_default = std::is_same_v<R, relax::Pause>;
            register_lock_benchmarks<L<R>>(info,
                                           by_default ? "" : std::string("/relax:") + R::name);
        });
    }

    template <class L>
    void plain(PrimitiveInfo info) {
        if (info.test_only) return;
        register_lock_benchmarks<L>(info, "");
    }
};

}  // namespace

void register_micro_locks() {
    MicroLockVisitor visitor;
    for_each_lock(visitor);
}

}  // namespace contend
