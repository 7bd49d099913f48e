#pragma once
// threads.lifecycle's memory probe and the process facts the scenario checks.
//
// Memory per thread: K threads are started with the method under test and
// parked in FUTEX_WAIT; the process's resident set (RSS) and virtual size
// (VSZ) are read from /proc/self/statm before they start and once all K run,
// and the growth is divided by K. VSZ shows the reserved stack (plus its
// guard page); RSS shows only the pages the threads touched: the top of the
// stack, glibc's thread descriptor and static TLS. The kernel's own
// per-thread memory (kernel stack, task struct) is in neither.
//
// glibc keeps up to 40 MiB of freed thread stacks and gives them to new
// threads; a reused stack arrives mapped and with its pages resident, and the
// growth reads 0 (seen here: 10 KiB per thread the first time, 0.0 the next).
// So the probe first empties that cache: glibc trims it to its limit whenever
// a stack comes back, and one joined thread whose stack alone exceeds the
// limit makes it free every cached stack.
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "suites/threads/lifecycle_methods.hpp"

namespace contend::lifecycle {

struct Footprint {
    std::optional<double> rss_kib_per_thread, vsz_kib_per_thread;
    double stack_kib = 0;  // reserved stack per thread
    int parked = 0;        // threads that were parked
    std::string error;     // why the probe could not run, "" if it could
};

struct Statm {
    long vsz_pages = 0, rss_pages = 0;
};

inline bool read_statm(Statm& m) {
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return false;
    const bool ok = std::fscanf(f, "%ld %ld", &m.vsz_pages, &m.rss_pages) == 2;
    std::fclose(f);
    return ok;
}

// The stack a thread gets when nobody asks for a size (glibc: RLIMIT_STACK).
inline std::size_t default_stack_bytes() {
    pthread_attr_t a;
    std::size_t size = 0;
    if (pthread_getattr_default_np(&a) == 0) {
        pthread_attr_getstacksize(&a, &size);
        pthread_attr_destroy(&a);
    }
    return size;
}

inline void empty_glibc_stack_cache() {
    constexpr std::size_t kBiggerThanTheCache = std::size_t{256} << 20;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, kBiggerThanTheCache);
    pthread_t t;
    if (pthread_create(
            &t, &a, [](void*) -> void* { return nullptr; }, nullptr) == 0)
        pthread_join(t, nullptr);
    pthread_attr_destroy(&a);
}

// Threads of this process, from /proc/self/status; -1 if unreadable.
inline int process_thread_count() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    int n = -1;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "Threads:", 8) == 0) {
            n = std::atoi(line + 8);
            break;
        }
    std::fclose(f);
    return n;
}

// A joined thread may still be leaving the kernel for a moment, and a
// detached one may still be in glibc's exit path: poll until the count is
// back to `target` or `limit` has passed. Returns whether it came back.
inline bool wait_for_thread_count(int target, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (process_thread_count() > target) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}

// The count to come back to after a repetition. A runtime may start a helper
// thread of its own the first time the process creates one (ThreadSanitizer
// starts its background thread then), which would read as a thread left
// behind: one throwaway thread first makes sure it already runs. The
// throwaway itself may still be leaving after its join (for milliseconds
// under qemu-user, which read as a thread too many at the start): wait for
// the count from before it, and take what is there if a helper stayed.
inline int baseline_thread_count() {
    const int before = process_thread_count();
    std::thread([] {}).join();
    wait_for_thread_count(before, std::chrono::milliseconds(100));
    return process_thread_count();
}

template <class Method>
Footprint measure_footprint(Method& method, ParkedGroup& g, int k, std::size_t stack_bytes) {
    Footprint fp;
    fp.stack_kib = static_cast<double>(stack_bytes) / 1024.0;
    empty_glibc_stack_cache();
    Statm before, after;
    if (!read_statm(before)) {
        fp.error = "cannot read /proc/self/statm";
        return fp;
    }
    std::uint32_t launched = 0;
    for (; launched < static_cast<std::uint32_t>(k); ++launched)
        if (!method.start_parked(g, fp.error)) break;
    wait_for_count(g.started, launched);
    const bool read = read_statm(after);
    g.release.store(1, std::memory_order_release);
    futex_wake_all(g.release);
    method.join_parked();
    wait_for_count(g.exited, launched);
    fp.parked = static_cast<int>(launched);
    if (!fp.error.empty()) {
        fp.error = "memory probe: thread " + std::to_string(launched + 1) + " of " +
                   std::to_string(k) + " failed to start (" + fp.error + ")";
        return fp;
    }
    if (!read) {
        fp.error = "cannot read /proc/self/statm";
        return fp;
    }
    const double page_kib = static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024.0;
    fp.rss_kib_per_thread = static_cast<double>(after.rss_pages - before.rss_pages) * page_kib / k;
    fp.vsz_kib_per_thread = static_cast<double>(after.vsz_pages - before.vsz_pages) * page_kib / k;
    return fp;
}

}  // namespace contend::lifecycle
