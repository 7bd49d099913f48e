#pragma once
// pthread_adaptive — pthread_mutex_t of type PTHREAD_MUTEX_ADAPTIVE_NP.
//
// glibc's adaptive mutex: a contended lock() first spins for a bounded,
// self-tuning number of attempts (glibc tracks the average spin count that
// succeeded per mutex) before sleeping on the futex like a normal mutex; it
// bets the holder will release soon. Guarantees: mutual exclusion; not fair.
// GNU extension (the _NP suffix), glibc only.
#include <pthread.h>

#include <cstdlib>

namespace contend {

class PthreadAdaptiveLock {
  public:
    PthreadAdaptiveLock() {
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
        if (pthread_mutex_init(&mu_, &attr) != 0) std::abort();
        pthread_mutexattr_destroy(&attr);
    }
    ~PthreadAdaptiveLock() { pthread_mutex_destroy(&mu_); }
    PthreadAdaptiveLock(const PthreadAdaptiveLock&) = delete;
    PthreadAdaptiveLock& operator=(const PthreadAdaptiveLock&) = delete;

    void lock() noexcept { pthread_mutex_lock(&mu_); }
    void unlock() noexcept { pthread_mutex_unlock(&mu_); }

  private:
    pthread_mutex_t mu_;
};

}  // namespace contend
