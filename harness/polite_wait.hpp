#pragma once
// How the harness waits for its own events (a start barrier, a phase change),
// never for a primitive: spin briefly, then yield, so that with more runnable
// threads (or processes) than CPUs the one being waited for gets a CPU. The
// one copy for every coordinator: Team's threads and an inter-process case's
// two processes wait alike.
#include <sched.h>

namespace contend {

// One spin's pause: the CPU's spin-wait hint, so the poll does not starve an
// SMT sibling or flood the memory pipeline.
inline void polite_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

// Returns once done() holds. 1000 spins cover a wake-up on a CPU of its own;
// past that the waited-for thread is probably not running, so give way.
template <class Pred>
void wait_until(Pred done) {
    for (int spins = 0; !done(); ++spins) {
        if (spins < 1000)
            polite_pause();
        else
            sched_yield();
    }
}

}  // namespace contend
