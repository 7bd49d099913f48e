#pragma once
// The contracts a lock type satisfies to be measured. Plain member functions,
// no virtual calls: scenarios are templates over the lock type.
#include <concepts>

namespace contend {

template <class L>
concept Lockable = std::default_initializable<L> && requires(L& l) {
    l.lock();
    l.unlock();
};

template <class L>
concept SharedLockable = Lockable<L> && requires(L& l) {
    l.lock_shared();
    l.unlock_shared();
};

}  // namespace contend
