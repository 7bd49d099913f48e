#pragma once
// The kernel's view of this process's threads, for the stress stall watches
// (thread_team.cpp for teams, suites/threads/pool_stall_watch.hpp for pools):
// whether a thread is asleep and how often it has gone to sleep. A sleeper
// whose count has not moved was not woken in between.
#include <optional>
#include <vector>

namespace contend {

struct OsThreadState {
    bool asleep = false;          // state S or D
    long voluntary_switches = 0;  // times it went to sleep
};

// Empty when the thread cannot be read (it is gone).
std::optional<OsThreadState> read_os_thread_state(int tid);

// Every thread of this process now, by kernel id.
std::vector<int> process_thread_ids();

// The calling thread's kernel id (what /proc/self/task/<tid> names).
int current_os_tid();

// One thread's /proc files, opened once: a read through an open file costs
// under a microsecond (stat) or two (status) where opening and parsing them
// anew cost five, and a stress worker asks after every operation it may
// close the quiet gate on. Reads from any thread once open() has returned.
class OsThreadProbe {
  public:
    OsThreadProbe() = default;
    ~OsThreadProbe();
    OsThreadProbe(const OsThreadProbe&) = delete;
    OsThreadProbe& operator=(const OsThreadProbe&) = delete;

    void open(int tid);
    bool asleep() const;                         // false when unreadable
    std::optional<OsThreadState> state() const;  // empty when unreadable

  private:
    int stat_ = -1, status_ = -1;
};

}  // namespace contend
