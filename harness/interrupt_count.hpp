#pragma once
// Ctrl-C (or SIGTERM) while a run or a stress session is in progress: the
// first stops after the current case or trial, the second also kills the one
// in progress. Both commands keep what they measured; the count tells them
// which of the two was asked for.
#include <signal.h>

#include <atomic>

namespace contend {

class InterruptCount {
  public:
    // Counts SIGINT and SIGTERM from zero until destroyed, then restores the
    // handlers that were there before.
    InterruptCount() {
        count_ = 0;
        struct sigaction sa {};
        sa.sa_handler = [](int) { count_.fetch_add(1); };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~InterruptCount() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    InterruptCount(const InterruptCount&) = delete;
    InterruptCount& operator=(const InterruptCount&) = delete;

    // Static, so a watchdog predicate can read it without capturing anything.
    static int count() { return count_.load(); }
    static bool stop_asked() { return count() >= 1; }
    static bool kill_asked() { return count() >= 2; }

  private:
    static inline std::atomic<int> count_{0};
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

}  // namespace contend
