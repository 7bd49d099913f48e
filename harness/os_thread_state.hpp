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

}  // namespace contend
