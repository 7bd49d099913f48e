#pragma once
// tbb_mutex — adapter over oneapi::tbb::mutex.
//
// oneTBB's general-purpose mutex (2021+): a flag taken with
// test-and-test-and-set; a waiter spins briefly, then yields, then sleeps on
// the flag's address through oneTBB's address-wait table (futex-backed), and
// unlock() wakes one sleeper. Guarantees: mutual exclusion; not fair.
#include <oneapi/tbb/mutex.h>

namespace contend {

class TbbMutexLock {
  public:
    void lock() { mu_.lock(); }
    void unlock() { mu_.unlock(); }

  private:
    oneapi::tbb::mutex mu_;
};

}  // namespace contend
