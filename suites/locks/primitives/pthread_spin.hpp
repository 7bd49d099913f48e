#pragma once
// pthread_spin — POSIX spinlock (pthread_spinlock_t).
//
// On glibc/x86-64 a test-and-test-and-set word spinning with `pause`; it
// never sleeps and does not honour contend's relax parameter (the spin
// instruction is fixed by the library). Guarantees: mutual exclusion; not
// fair. Process-private (PTHREAD_PROCESS_PRIVATE).
#include <pthread.h>

#include <cstdlib>

namespace contend {

class PthreadSpinLock {
  public:
    PthreadSpinLock() {
        if (pthread_spin_init(&spin_, PTHREAD_PROCESS_PRIVATE) != 0) std::abort();
    }
    ~PthreadSpinLock() { pthread_spin_destroy(&spin_); }
    PthreadSpinLock(const PthreadSpinLock&) = delete;
    PthreadSpinLock& operator=(const PthreadSpinLock&) = delete;

    void lock() noexcept { pthread_spin_lock(&spin_); }
    void unlock() noexcept { pthread_spin_unlock(&spin_); }

  private:
    pthread_spinlock_t spin_;
};

}  // namespace contend
