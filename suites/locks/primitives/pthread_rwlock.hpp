#pragma once
// pthread_rwlock — pthread_rwlock_t with default attributes.
//
// glibc's default kind is PTHREAD_RWLOCK_PREFER_READER_NP: a new reader gets
// in while readers hold the lock even if a writer waits, so writers can
// starve under a steady read load. Left at the default on purpose: that is
// what programs calling pthread_rwlock_init(…, NULL) get. Waiters sleep on
// futexes. Guarantees: writers exclusive, readers share.
//
// PthreadRwlockOfKind<K> is the same lock initialised with kind K
// (pthread_rwlockattr_setkind_np), for the scenarios that compare kinds.
#include <pthread.h>

#include <cstdlib>

namespace contend {

// Not a kind: initialise with NULL attributes, as the default lock does.
inline constexpr int kPthreadRwlockNullAttr = -1;

template <int Kind>
class PthreadRwlockOfKind {
  public:
    PthreadRwlockOfKind() {
        if constexpr (Kind == kPthreadRwlockNullAttr) {
            if (pthread_rwlock_init(&rw_, nullptr) != 0) std::abort();
        } else {
            pthread_rwlockattr_t attr;
            if (pthread_rwlockattr_init(&attr) != 0 ||
                pthread_rwlockattr_setkind_np(&attr, Kind) != 0 ||
                pthread_rwlock_init(&rw_, &attr) != 0)
                std::abort();
            pthread_rwlockattr_destroy(&attr);
        }
    }
    ~PthreadRwlockOfKind() { pthread_rwlock_destroy(&rw_); }
    PthreadRwlockOfKind(const PthreadRwlockOfKind&) = delete;
    PthreadRwlockOfKind& operator=(const PthreadRwlockOfKind&) = delete;

    void lock() noexcept { pthread_rwlock_wrlock(&rw_); }
    void unlock() noexcept { pthread_rwlock_unlock(&rw_); }
    void lock_shared() noexcept { pthread_rwlock_rdlock(&rw_); }
    void unlock_shared() noexcept { pthread_rwlock_unlock(&rw_); }

  private:
    pthread_rwlock_t rw_;
};

using PthreadRwlock = PthreadRwlockOfKind<kPthreadRwlockNullAttr>;

}  // namespace contend
