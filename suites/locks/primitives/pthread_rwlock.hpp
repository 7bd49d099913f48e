#pragma once
// pthread_rwlock — pthread_rwlock_t with default attributes.
//
// glibc's default kind is PTHREAD_RWLOCK_PREFER_READER_NP: a new reader gets
// in while readers hold the lock even if a writer waits, so writers can
// starve under a steady read load. Left at the default on purpose: that is
// what programs calling pthread_rwlock_init(…, NULL) get. Waiters sleep on
// futexes. Guarantees: writers exclusive, readers share.
#include <pthread.h>

#include <cstdlib>

namespace contend {

class PthreadRwlock {
  public:
    PthreadRwlock() {
        if (pthread_rwlock_init(&rw_, nullptr) != 0) std::abort();
    }
    ~PthreadRwlock() { pthread_rwlock_destroy(&rw_); }
    PthreadRwlock(const PthreadRwlock&) = delete;
    PthreadRwlock& operator=(const PthreadRwlock&) = delete;

    void lock() noexcept { pthread_rwlock_wrlock(&rw_); }
    void unlock() noexcept { pthread_rwlock_unlock(&rw_); }
    void lock_shared() noexcept { pthread_rwlock_rdlock(&rw_); }
    void unlock_shared() noexcept { pthread_rwlock_unlock(&rw_); }

  private:
    pthread_rwlock_t rw_;
};

}  // namespace contend
