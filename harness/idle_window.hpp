#pragma once
// The end of a measured window in which nothing was seen to progress: it goes
// on until something is (or a bound passes). With more runnable threads than
// CPUs the kernel can leave a worker, or a whole process, unscheduled for a
// short window, and that is the machine's doing, not a liveness failure of
// the primitive. Found in CI: ticket, 1 thread, 5 ms windows beside a stress
// run, 2 of 3 windows empty. The one rule for every coordinator: Team's and
// an inter-process case's.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace contend {

// How long past its planned end a window in which nothing progressed waits
// (at least the window's own length): long enough for the kernel to
// schedule a runnable worker on a crowded machine.
inline constexpr std::int64_t kIdleWindowBoundNs = 250'000'000;

// How often an idle window looks again for progress.
inline constexpr std::chrono::milliseconds kIdleWindowStep{1};

struct WindowEnd {
    std::chrono::steady_clock::time_point at;      // the window's end, as measured
    std::chrono::steady_clock::duration extended;  // past the planned end; zero if not waited
};

// Called at the window's planned end: while `progressed()` is false and the
// bound (the window's own length past the end, at least kIdleWindowBoundNs)
// is not reached, `pass(until)` spends kIdleWindowStep (sleeping, or doing
// the coordinator's sampling meanwhile). Progress must be something the
// coordinator can see (published counts, a peer's counter); a thread that
// counts only for itself cannot be watched, so its caller says true.
template <class Progressed, class Pass>
WindowEnd end_window_after_progress(std::chrono::steady_clock::time_point planned_end,
                                    std::int64_t duration_ns, Progressed progressed, Pass pass) {
    using Clock = std::chrono::steady_clock;
    const auto bound = planned_end + std::max(std::chrono::nanoseconds(duration_ns),
                                              std::chrono::nanoseconds(kIdleWindowBoundNs));
    bool waited = false;
    for (; !progressed() && Clock::now() < bound; waited = true)
        pass(Clock::now() + kIdleWindowStep);
    const auto at = Clock::now();
    return {at, waited ? at - planned_end : Clock::duration::zero()};
}

}  // namespace contend
