#pragma once
// A snapshot of the calling thread's clocks at a window boundary: cycle
// counter (for the start skew), thread CPU time and context switches — the
// figures Team records per thread, taken here by threads that live in two
// different processes. Read only at the window's edges, never per message.
#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdint>

#include "harness/cycle_clock.hpp"

namespace contend::queues::ipc {

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

// What one thread did between two marks.
struct WindowSpan {
    WindowMark begin, end;
    std::uint64_t ops = 0;
    int cpu = -1;  // where the thread ran at the end of the window

    std::uint64_t cpu_ns() const noexcept { return end.cpu_ns - begin.cpu_ns; }
    std::int64_t voluntary_cs() const noexcept { return end.voluntary_cs - begin.voluntary_cs; }
    std::int64_t involuntary_cs() const noexcept {
        return end.involuntary_cs - begin.involuntary_cs;
    }
    void close(std::uint64_t counted) noexcept {
        end = WindowMark::now();
        ops = counted;
        cpu = sched_getcpu();
    }
};

}  // namespace contend::queues::ipc
