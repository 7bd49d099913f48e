#pragma once
// absl_mutex — adapter over absl::Mutex, used as an exclusive lock only.
//
// Abseil's mutex: one word holding state bits and, when contended, a pointer
// to a queue of waiters; a contended lock() spins briefly, then enqueues and
// sleeps on a per-thread semaphore (futex-backed on Linux). Waking favours
// the head of the queue but a running thread may still barge in, so it is not
// fair. It also supports reader locks, conditions and deadlock detection;
// only Lock/Unlock are measured here (the reader side is left out so the
// rwlock family stays comparable).
//
// ThreadSanitizer: Abseil as shipped by Debian is not built with TSan, so its
// synchronisation is invisible to a TSan build of contend and every access
// under the lock would be reported as a race. Under TSan the adapter tells it
// what absl::Mutex guarantees (acquire after Lock, release before Unlock).
#include <absl/synchronization/mutex.h>

#if defined(__SANITIZE_THREAD__)
#define CONTEND_ABSL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CONTEND_ABSL_TSAN 1
#endif
#endif
#if defined(CONTEND_ABSL_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace contend {

class AbslMutexLock {
  public:
    void lock() {
        mu_.Lock();
#if defined(CONTEND_ABSL_TSAN)
        __tsan_acquire(&mu_);
#endif
    }
    void unlock() {
#if defined(CONTEND_ABSL_TSAN)
        __tsan_release(&mu_);
#endif
        mu_.Unlock();
    }

  private:
    absl::Mutex mu_;
};

}  // namespace contend
