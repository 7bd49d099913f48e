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
#include <pthread.h>

#include <cstdlib>

namespace contend {

class PthreadRwlockWriterPref {
  public:
    PthreadRwlockWriterPref() {
        pthread_rwlockattr_t attr;
        if (pthread_rwlockattr_init(&attr) != 0 ||
            pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) !=
                0 ||
            pthread_rwlock_init(&rw_, &attr) != 0)
            std::abort();
        pthread_rwlockattr_destroy(&attr);
    }
    ~PthreadRwlockWriterPref() { pthread_rwlock_destroy(&rw_); }
    PthreadRwlockWriterPref(const PthreadRwlockWriterPref&) = delete;
    PthreadRwlockWriterPref& operator=(const PthreadRwlockWriterPref&) = delete;

    void lock() noexcept { pthread_rwlock_wrlock(&rw_); }
    void unlock() noexcept { pthread_rwlock_unlock(&rw_); }
    void lock_shared() noexcept { pthread_rwlock_rdlock(&rw_); }
    void unlock_shared() noexcept { pthread_rwlock_unlock(&rw_); }

  private:
    pthread_rwlock_t rw_;
};

}  // namespace contend
