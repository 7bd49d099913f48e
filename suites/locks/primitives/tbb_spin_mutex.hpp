#pragma once
// tbb_spin_mutex — adapter over oneapi::tbb::spin_mutex.
//
// oneTBB's spin mutex: a test-and-set flag (an exchange on every attempt)
// whose waiters back off exponentially, 1 to 16 `pause`s, and then yield the
// CPU between attempts; it never sleeps in the kernel and does not honour
// contend's relax parameter (the back-off is the library's). Guarantees:
// mutual exclusion; not fair.
#include <oneapi/tbb/spin_mutex.h>

namespace contend {

class TbbSpinMutexLock {
  public:
    void lock() { mu_.lock(); }
    void unlock() { mu_.unlock(); }

  private:
    oneapi::tbb::spin_mutex mu_;
};

}  // namespace contend
