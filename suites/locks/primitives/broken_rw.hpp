#pragma once
// broken_rw — a deliberately broken reader-writer lock (control).
//
// Writers exclude each other with a test-and-set, but lock_shared() does not
// wait for a writer at all: readers walk straight into write sections. It
// exists to prove that the locks.rw validation catches a reader-writer lock
// that does not keep readers and writers apart.
#include <atomic>

namespace contend {

template <class Relax>
class BrokenRwLock {
  public:
    void lock() noexcept {
        while (flag_.exchange(true, std::memory_order_acquire)) Relax::cpu();
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }
    // The bug: readers neither check nor block writers.
    void lock_shared() noexcept { std::atomic_thread_fence(std::memory_order_acquire); }
    void unlock_shared() noexcept { std::atomic_thread_fence(std::memory_order_release); }

  private:
    std::atomic<bool> flag_{false};
};

}  // namespace contend
