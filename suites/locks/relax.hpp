#pragma once
// The instruction a spin loop executes between polls. It is a template
// parameter of every spinning lock, not a constant: `pause` costs ~10 cycles
// on some x86 parts and ~140 on others (Skylake-SP and later), `yield` hands
// the core to the scheduler, which is the only thing that helps once threads
// outnumber CPUs. The choice is a scenario parameter and is recorded.
#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace contend::relax {

struct Pause {
    static constexpr const char* name = "pause";
    static void cpu() noexcept {
#if defined(__x86_64__) || defined(__i386__)
        _mm_pause();
#elif defined(__aarch64__)
        asm volatile("yield" ::: "memory");
#else
        asm volatile("" ::: "memory");
#endif
    }
};

struct None {
    static constexpr const char* name = "none";
    // A compiler barrier only, so the poll is not hoisted out of the loop.
    static void cpu() noexcept { asm volatile("" ::: "memory"); }
};

struct Yield {
    static constexpr const char* name = "yield";
    static void cpu() noexcept { sched_yield(); }
};

}  // namespace contend::relax
