#pragma once
// std_shared_mutex — adapter over std::shared_mutex.
//
// On libstdc++/glibc a pthread_rwlock_t with default attributes, i.e.
// reader-preferring (PTHREAD_RWLOCK_PREFER_READER_NP): a steady stream of
// readers can starve a writer. Waiters sleep on futexes. Guarantees: mutual
// exclusion between writers and between a writer and readers; readers share.
#include <shared_mutex>

namespace contend {

class StdSharedMutexLock {
  public:
    void lock() { mu_.lock(); }
    void unlock() { mu_.unlock(); }
    void lock_shared() { mu_.lock_shared(); }
    void unlock_shared() { mu_.unlock_shared(); }

  private:
    std::shared_mutex mu_;
};

}  // namespace contend
