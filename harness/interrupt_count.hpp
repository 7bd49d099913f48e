#pragma once
// Ctrl-C (or SIGTERM) while a run or a stress session is in progress: the
// first stops after the current case or trial, the second also kills the one
// in progress. Both commands keep what they measured; the count tells them
// which of the two was asked for. The one guard both commands hold over
// their loop, and the one way they end when it was used.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace contend {

class InterruptCount {
  public:
    // Counts SIGINT and SIGTERM from zero until restore() or destruction.
    InterruptCount() {
        count_ = 0;
        struct sigaction sa {};
        sa.sa_handler = [](int) { count_.fetch_add(1); };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~InterruptCount() { restore(); }
    InterruptCount(const InterruptCount&) = delete;
    InterruptCount& operator=(const InterruptCount&) = delete;

    // Puts back the handlers that were there before, once the loop is over:
    // a Ctrl-C while the command writes its last file ends it as usual.
    void restore() {
        if (restored_) return;
        restored_ = true;
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }

    // Static, so a watchdog predicate can read it without capturing anything.
    static int count() { return count_.load(); }
    static bool stop_asked() { return count() >= 1; }
    static bool kill_asked() { return count() >= 2; }

  private:
    static inline std::atomic<int> count_{0};
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
    bool restored_ = false;
};

// The last words of a command that Ctrl-C stopped: what it kept and where,
// and its exit status (130, as a shell reports SIGINT).
inline int interrupted_exit(const std::string& kept, const std::string& path) {
    std::fprintf(stderr, "interrupted: %s written to %s (complete: false)\n", kept.c_str(),
                 path.c_str());
    return 130;
}

}  // namespace contend
