#pragma once
// Every thread's stack of a process, for the report of a hung or crashed
// stress trial: what each thread was waiting in is most of the diagnosis.
// Uses eu-stack (Debian's elfutils), or gdb when eu-stack is missing; the
// setup script installs elfutils.
#include <string>

namespace contend {

// Stacks of the (stopped or running) process `pid`, as the tool prints them;
// a one-line explanation instead when no tool could attach. Bounded in time.
std::string capture_stacks(int pid);

// In a child about to run a trial: on a fatal signal (SEGV, BUS, ILL, FPE,
// ABRT) the process writes every thread's stack to `path` (by a helper
// process that attaches to it), then dies of the same signal, so the parent
// still sees the signal.
void dump_stacks_on_fatal_signal(const std::string& path);

// Whether that handler is running: the crashed thread then sleeps inside
// its operation while the stacks are taken, which no stall watch may
// mistake for a lost wake-up (it would pre-empt the crash's report).
bool dying_of_fatal_signal();

}  // namespace contend
