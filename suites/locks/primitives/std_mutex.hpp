#pragma once
// std_mutex — adapter over std::mutex.
//
// The standard library's mutex as shipped: on glibc a pthread_mutex_t of the
// default (normal) type, i.e. a futex word with a CAS fast path and a kernel
// sleep when contended. Guarantees: mutual exclusion; no fairness promised.
// The reference point every other lock is compared against.
#include <mutex>

namespace contend {

class StdMutexLock {
  public:
    void lock() { mu_.lock(); }
    void unlock() { mu_.unlock(); }

  private:
    std::mutex mu_;
};

}  // namespace contend
