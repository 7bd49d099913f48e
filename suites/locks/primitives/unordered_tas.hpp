#pragma once
// unordered_tas — CONTROL, deliberately broken: ttas whose exchange and
// release are memory_order_relaxed. It excludes (the exchange is still one
// atomic RMW) but orders nothing: the next owner may read what the previous
// owner wrote inside its critical section as it was before, and the
// previous owner's writes may land after its release. It exists to prove
// that the lock validation's relaxed word (validation_line.hpp, ValidationLine)
// catches a missing acquire/release on weakly ordered hardware, where
// `contend stress locks.contention --primitive unordered_tas` must report
// it invalid (the weak_memory_control test on AArch64). On x86-64 every RMW
// is a full barrier and stores are not reordered with stores (TSO), and
// qemu-user on an x86 host inherits that, so there it passes: a missing
// acquire/release cannot be seen on them.
#include <atomic>

namespace contend {

template <class Relax>
class UnorderedTasLock {
  public:
    void lock() noexcept {
        for (;;) {
            if (!flag_.exchange(true, std::memory_order_relaxed)) return;  // the bug: no acquire
            while (flag_.load(std::memory_order_relaxed)) Relax::wait(flag_, true);
        }
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_relaxed); }  // no release

  private:
    std::atomic<bool> flag_{false};
};

}  // namespace contend
