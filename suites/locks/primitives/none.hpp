#pragma once
// none — a lock that does nothing (control).
//
// lock() and unlock() are empty, so a scenario run with it measures the
// harness itself: the loop, the critical-section and think-time busy work,
// the validation bookkeeping. Subtract it to get what a real lock costs.
// Provides no mutual exclusion (declared so in its PrimitiveInfo, which tells
// validation not to expect any).
namespace contend {

class NoneLock {
  public:
    void lock() noexcept {}
    void unlock() noexcept {}
};

}  // namespace contend
