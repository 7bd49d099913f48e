#pragma once
// The reference every run's `none` control is held against: a loop that does
// nothing but count, of the kind Google Benchmark's loop/empty times (one
// iteration per count, kept by an empty volatile asm that emits nothing).
namespace contend {

// ns per iteration: the median of 5 timed runs of ~10 ms each on the calling
// thread.
double empty_loop_ns();

}  // namespace contend
