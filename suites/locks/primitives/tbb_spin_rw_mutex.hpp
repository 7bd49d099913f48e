#pragma once
// tbb_spin_rw_mutex — adapter over oneapi::tbb::spin_rw_mutex.
//
// oneTBB's reader-writer spinlock: one word holding a writer bit, a
// writer-pending bit and a reader count. Writer-preferring: a waiting writer
// sets the pending bit and new readers hold back until it has been served.
// Waiters back off with `pause` and then yield; never a kernel sleep; the
// relax parameter is not honoured. Guarantees: writers exclusive, readers
// share; not fair.
#include <oneapi/tbb/spin_rw_mutex.h>

namespace contend {

class TbbSpinRwMutexLock {
  public:
    void lock() { mu_.lock(); }
    void unlock() { mu_.unlock(); }
    void lock_shared() { mu_.lock_shared(); }
    void unlock_shared() { mu_.unlock_shared(); }

  private:
    oneapi::tbb::spin_rw_mutex mu_;
};

}  // namespace contend
