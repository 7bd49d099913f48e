#pragma once
// A thread's clocks at the edges of a measured window: cycle counter (for the
// start skew), thread CPU time and context switches. The one way every
// scenario takes them, whatever drives its threads: Team's protocol
// (ThreadContext), the dinner's own threads (problems.deadlock) and the two
// processes of an inter-process channel. Plain data, so it can live in
// memory shared with a child process. Read only at a window's edges, never
// per operation.
#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/sample.hpp"

namespace contend {

struct WindowMark {
    std::uint64_t ticks = 0;
    std::uint64_t cpu_ns = 0;
    std::int64_t voluntary_cs = 0, involuntary_cs = 0;

    static WindowMark now() noexcept {
        WindowMark m;
        m.ticks = cycle_clock::now();
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        m.cpu_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
                   static_cast<std::uint64_t>(ts.tv_nsec);
        rusage ru{};
        getrusage(RUSAGE_THREAD, &ru);
        m.voluntary_cs = ru.ru_nvcsw;
        m.involuntary_cs = ru.ru_nivcsw;
        return m;
    }
};

// What one thread did between its two marks.
struct WindowSpan {
    WindowMark begin, end;
    std::uint64_t ops = 0;  // what the thread counted itself (Team counts from its snapshots)
    int cpu = -1;           // where the thread ran at the end of the window

    void open() noexcept { begin = WindowMark::now(); }
    void close(std::uint64_t counted) noexcept {
        end = WindowMark::now();
        ops = counted;
        cpu = sched_getcpu();
    }
    std::uint64_t cpu_ns() const noexcept { return end.cpu_ns - begin.cpu_ns; }
    std::int64_t voluntary_cs() const noexcept { return end.voluntary_cs - begin.voluntary_cs; }
    std::int64_t involuntary_cs() const noexcept {
        return end.involuntary_cs - begin.involuntary_cs;
    }
};

// The per-thread figures of a span (its own count); the caller adds what
// only it knows (role, pinning, sampling, its own figures).
inline ThreadSample thread_sample(const WindowSpan& w) {
    ThreadSample t;
    t.ops = w.ops;
    t.cpu_ns = w.cpu_ns();
    t.voluntary_cs = w.voluntary_cs();
    t.involuntary_cs = w.involuntary_cs();
    t.cpu = w.cpu;
    return t;
}

// The spread of the threads' window starts, in ticks (the harness reports
// its own start skew).
inline std::uint64_t start_skew_ticks(const std::vector<const WindowSpan*>& spans) {
    if (spans.empty()) return 0;
    std::uint64_t first = UINT64_MAX, last = 0;
    for (const WindowSpan* w : spans) {
        first = std::min(first, w->begin.ticks);
        last = std::max(last, w->begin.ticks);
    }
    return last - first;
}

}  // namespace contend
