#pragma once
// What a spin loop does between polls. It is a template parameter of every
// spinning lock, not a constant: `pause` costs ~10 cycles on some x86 parts
// and ~140 on others (Skylake-SP and later), `yield` hands the core to the
// scheduler, which is the only thing that helps once threads outnumber CPUs.
// The choice is a scenario parameter and is recorded.
//
// A policy has two entry points:
//   cpu()              one pause where there is no single word to watch (a
//                      failed exchange, a backoff delay);
//   wait(word, seen)   the waiter last saw `seen` in `word` and waits for it
//                      to change (a poll loop). Only `wfe` uses the word;
//                      every other policy's wait is its cpu().
//
// AArch64 offers two more (Policies lists what this build has):
//   pause  is the YIELD hint there: a NOP on most cores, so the poll runs
//          nearly flat out;
//   isb    flushes the pipeline: a real pause where YIELD is none; what it
//          costs differs by core (contend micro's relax/isb measures it);
//   wfe    arms the exclusive monitor on the watched word (LDXR) and sleeps
//          until another core writes its line, an interrupt, or the
//          kernel's event stream (10 kHz on Linux: at most ~100 us). Where
//          there is no word to watch it falls back to YIELD, because a bare
//          WFE would sleep until the event stream on every retry.
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <tuple>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace contend::relax {

// wait() for the policies that do not watch the word.
template <class Self>
struct PollsBlindly {
    template <class T>
    static void wait(const std::atomic<T>&, T) noexcept {
        Self::cpu();
    }
};

struct Pause : PollsBlindly<Pause> {
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

struct None : PollsBlindly<None> {
    static constexpr const char* name = "none";
    // A compiler barrier only, so the poll is not hoisted out of the loop.
    static void cpu() noexcept { asm volatile("" ::: "memory"); }
};

struct Yield : PollsBlindly<Yield> {
    static constexpr const char* name = "yield";
    static void cpu() noexcept { sched_yield(); }
};

#if defined(__aarch64__)
struct Isb : PollsBlindly<Isb> {
    static constexpr const char* name = "isb";
    static void cpu() noexcept { asm volatile("isb" ::: "memory"); }
};

struct Wfe {
    static constexpr const char* name = "wfe";
    static void cpu() noexcept { Pause::cpu(); }

    template <class T>
    static void wait(const std::atomic<T>& word, T seen) noexcept {
        static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
        // The exclusive load both arms the monitor and rereads the word: a
        // write between the caller's poll and here is seen now, and one
        // after it clears the monitor, which wakes the WFE, so none is lost.
        std::uint64_t now = 0, expected = 0;
        std::memcpy(&expected, &seen, sizeof(T));
        const void* at = &word;
        if constexpr (sizeof(T) == 1)
            asm volatile("ldxrb %w0, [%1]" : "=&r"(now) : "r"(at) : "memory");
        else if constexpr (sizeof(T) == 2)
            asm volatile("ldxrh %w0, [%1]" : "=&r"(now) : "r"(at) : "memory");
        else if constexpr (sizeof(T) == 4)
            asm volatile("ldxr %w0, [%1]" : "=&r"(now) : "r"(at) : "memory");
        else
            asm volatile("ldxr %0, [%1]" : "=&r"(now) : "r"(at) : "memory");
        if (now == expected) asm volatile("wfe" ::: "memory");
    }
};

using Policies = std::tuple<Pause, Isb, Wfe, None, Yield>;
#else
using Policies = std::tuple<Pause, None, Yield>;
#endif

// Calls f.template operator()<Policy>() for every policy this build offers,
// the default (pause) first.
template <class F>
void for_each_policy(F&& f) {
    std::apply([&](auto... p) { (f.template operator()<decltype(p)>(), ...); }, Policies{});
}

}  // namespace contend::relax
