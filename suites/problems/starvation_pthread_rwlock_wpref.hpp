#pragma once
// pthread_rwlock_wpref — glibc's pthread_rwlock_t set to
// PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: once a writer waits, new
// readers queue behind it, so a steady read load cannot starve writers
// (readers can be delayed instead). The default kind (pthread_rwlock in the
// lock suite) prefers readers; problems.starvation measures the two side by
// side. Glibc ignores the plain PTHREAD_RWLOCK_PREFER_WRITER_NP (it behaves
// as the reader-preferring default, for POSIX's recursive read locks): only
// the NONRECURSIVE kind changes anything, at the price that a thread must
// not take the read lock again while it holds it.
#include "suites/locks/primitives/pthread_rwlock.hpp"

namespace contend {

using PthreadRwlockWriterPref = PthreadRwlockOfKind<PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP>;

}  // namespace contend
