#pragma once
// How the harness waits for its own events (a start barrier, a phase change),
// never for a primitive: spin briefly, then yield, so that with more runnable
// threads (or processes) than CPUs the one being waited for gets a CPU. The
// one copy for every coordinator: Team's threads and an inter-process case's
// two processes wait alike.
#include <sched.h>

#include "harness/relax.hpp"

namespace contend {

// Returns once done() holds. 1000 spins cover a wake-up on a CPU of its own;
// past that the waited-for thread is probably not running, so give way.
template <class Pred>
void wait_until(Pred done) {
    for (int spins = 0; !done(); ++spins) {
        if (spins < 1000)
            relax::Pause::cpu();
        else
            sched_yield();
    }
}

}  // namespace contend
