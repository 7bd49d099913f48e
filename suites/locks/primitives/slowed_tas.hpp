#pragma once
// slowed_tas — a control for the regression gate: the tas lock plus a fixed
// 30 ns of busy work inside every critical section (right after the
// acquisition), so a build or a side that uses it is slower than `tas` by a
// known, fixed cost. At locks.contention 1 thread, cs_ns=100 think_ns=400
// (~520 ns per operation on the development VM) that is a ~5 % slowdown: the
// change scripts/gate_power.py asks the A/B mode to find. It is the harness's
// one delay routine (busy_work.hpp), so the extra cost is a deadline spin
// that lasts its time whatever the core's speed; its true effect is measured
// beside the gate's verdicts in the same session. (25 ns read as 4.1 %
// there: back to back with the critical section's own delay, the two spins
// overlap their first and last counter reads.)
#include <atomic>
#include <cstdint>

#include "harness/busy_work.hpp"

namespace contend {

template <class Relax>
class SlowedTasLock {
  public:
    static constexpr double kExtraNs = 30;

    void lock() noexcept {
        while (flag_.exchange(true, std::memory_order_acquire)) Relax::cpu();
        spin_for(extra_ticks_);
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

  private:
    std::atomic<bool> flag_{false};
    // Converted once, with the run's calibration (children inherit it).
    std::uint64_t extra_ticks_ = BusyWork::current().ticks_for(kExtraNs);
};

}  // namespace contend
