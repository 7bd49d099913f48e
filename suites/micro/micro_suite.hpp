#pragma once
// The micro suite: Google Benchmark measurements of single, uncontended
// operations (one lock+unlock, one atomic RMW, one relax instruction, one
// clock read). These are the per-operation costs the scenario figures are
// read against; contended behaviour is measured by contend's own time-based
// runner, because Google Benchmark 1.7.1 runs fixed work per thread.
//
// Registration is an explicit call, never a static initialiser, so that a
// binary that links the suite but runs another subcommand pays nothing.

namespace contend {

// Registers every micro benchmark (once per process), parses the standard
// --benchmark_* flags from argv (argv[0] is the program name), runs the
// selected benchmarks and returns the exit status: 0 on success, 2 for bad
// input (an unrecognised argument, a bad flag value, a filter that selects
// nothing).
int run_micro_suite(int argc, char** argv);

// One per source file; run_micro_suite calls them all.
void register_micro_locks();
void register_micro_atomics();
void register_micro_relax();
void register_micro_clocks();

}  // namespace contend
