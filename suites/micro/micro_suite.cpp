// Runs the micro suite through Google Benchmark's own flag parsing and
// reporters, so --benchmark_format=json, --benchmark_filter, --benchmark_out
// and the rest behave exactly as documented upstream and compare.py reads the
// output unchanged.
#include "suites/micro/micro_suite.hpp"

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#ifndef CONTEND_BUILD_TYPE
#define CONTEND_BUILD_TYPE "unknown"  // the build system passes a string literal, e.g. "Release"
#endif

namespace contend {
namespace {

constexpr const char* kNote =
    "library_build_type describes how Debian built libbenchmark itself (without NDEBUG), "
    "not how contend was built; contend's own build is contend_build_type";

// Google Benchmark 1.7.1 answers a bad value of an enumerated flag by printing
// its usage and exiting 0, which a script cannot tell from success. Those few
// flags are checked here first so that bad input gets one line and status 2.
struct EnumFlag {
    std::string_view prefix;
    std::string_view allowed[4];
};

constexpr EnumFlag kEnumFlags[] = {
    {"--benchmark_format=", {"console", "json", "csv", {}}},
    {"--benchmark_out_format=", {"console", "json", "csv", {}}},
    {"--benchmark_time_unit=", {"ns", "us", "ms", "s"}},
};

bool check_enum_flags(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        for (const EnumFlag& flag : kEnumFlags) {
            if (!arg.starts_with(flag.prefix)) continue;
            const std::string_view value = arg.substr(flag.prefix.size());
            std::string allowed;
            bool ok = false;
            for (std::string_view a : flag.allowed) {
                if (a.empty()) continue;
                ok = ok || value == a;
                if (!allowed.empty()) allowed += '|';
                allowed += a;
            }
            if (!ok) {
                std::fprintf(stderr, "contend micro: bad value '%s' in %s (allowed: %s)\n",
                             std::string(value).c_str(), argv[i], allowed.c_str());
                return false;
            }
        }
    }
    return true;
}

// Google Benchmark discovers an unwritable --benchmark_out only after the
// benchmarks have been selected, and exits 1 (the status for "ran, but some
// case failed"). Opening for append neither truncates an existing file nor
// writes anything; the library truncates it itself when it starts writing.
bool check_out_path(int argc, char** argv) {
    constexpr std::string_view prefix = "--benchmark_out=";
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (!arg.starts_with(prefix)) continue;
        const std::string path(arg.substr(prefix.size()));
        std::FILE* f = path.empty() ? nullptr : std::fopen(path.c_str(), "a");
        if (f == nullptr) {
            std::fprintf(stderr, "contend micro: cannot write '%s' given in %s\n", path.c_str(),
                         argv[i]);
            return false;
        }
        std::fclose(f);
    }
    return true;
}

void register_all_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        register_micro_locks();
        register_micro_atomics();
        register_micro_relax();
        register_micro_clocks();
        benchmark::AddCustomContext("contend_build_type", CONTEND_BUILD_TYPE);
#ifdef __OPTIMIZE__
        benchmark::AddCustomContext("contend_optimized", "true");
#else
        benchmark::AddCustomContext("contend_optimized", "false");
#endif
        benchmark::AddCustomContext("contend_compiler", __VERSION__);
        benchmark::AddCustomContext("contend_note", kNote);
    });
}

}  // namespace

int run_micro_suite(int argc, char** argv) {
    register_all_once();
    if (!check_enum_flags(argc, argv) || !check_out_path(argc, argv)) return 2;

    // Initialize removes every flag it recognises; whatever is left after
    // argv[0] is not ours to ignore silently (a typo in a filter flag would
    // otherwise run the whole suite). Malformed numeric values are left too.
    benchmark::Initialize(&argc, argv);
    if (argc > 1) {
        std::fprintf(stderr,
                     "contend micro: unrecognised argument '%s' (allowed: --benchmark_* flags, "
                     "see --help)\n",
                     argv[1]);
        benchmark::Shutdown();
        return 2;
    }

    // A second thread, parked for the whole run: glibc takes a fast path
    // without atomic instructions while a process has a single thread, so a
    // single-threaded run measures std::mutex at ~4 ns where every program
    // that shares a lock pays ~13 ns (measured on the 2-vCPU development VM).
    // A lock benchmark must measure the multi-threaded path.
    std::mutex park;
    std::condition_variable wake;
    bool done = false;
    std::thread parked([&] {
        std::unique_lock lk(park);
        wake.wait(lk, [&] { return done; });
    });

    // Zero means nothing was selected: the filter matched no benchmark or did
    // not compile. The library has already printed which, naming the regex.
    const std::size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    {
        std::lock_guard lk(park);
        done = true;
    }
    wake.notify_one();
    parked.join();
    return ran == 0 ? 2 : 0;
}

}  // namespace contend
