#pragma once
// `contend run`: plans the cases, runs each (isolated by default), keeps the
// result file up to date after every case, prints progress and a summary.
#include <map>
#include <string>
#include <vector>

#include "harness/registry.hpp"

namespace contend {

// Version of the measurement protocol (thread_team.hpp): results of
// different versions are not comparable. 2: untimed windows, sampled latency
// phase, counts snapshotted at the window's edges. 3: one delay, a deadline
// spin calibrated once per run. 4: latency percentiles weighted by
// operations, compact placement one thread per core before SMT siblings, no
// occupancy tick beside a worker without a spare CPU; the comparison key
// holds the compiler, peer libraries, kernel and placement.
inline constexpr int kProtocolVersion = 4;

struct RunOptions {
    std::vector<std::string> targets;
    std::vector<std::string> primitives;
    std::map<std::string, std::string> values;  // --threads and --set
    std::string preset = "default";
    std::int64_t duration_ns = -1, warmup_ns = -1;  // -1: from the preset
    int repetitions = -1;
    std::string pin = "compact";  // always pinned by default, like lockhammer and libslock
    std::string output;           // empty: results/local/<host>-<UTC time>.json
    bool isolate = true;
    std::uint32_t sample_every = 0;     // 0: chosen per thread (timing costs <= 1 %)
    std::int64_t latency_ns = -1;       // -1: half the window
    std::string order = "interleaved";  // or "sequential"
    std::uint64_t seed = 0;             // shuffle seed; 0: drawn at random (and recorded)
    std::int64_t case_timeout_ns = -1;  // -1: derived from the case's expected time
    double cv_threshold = 0.10;
    bool quiet = false;
    // A repetition named an outlier (outlier_repetitions.hpp) runs once more,
    // in a fresh child, and the rerun takes its place; the outlier is kept in
    // the case's `reruns` with its causes.
    bool rerun_outliers = false;
    // Non-empty: add the finished result to this results store (a URL, or
    // "default"; results_store.hpp).
    std::string store;
    std::vector<std::string> command_line;
};

// Returns the exit status: 0 every case ok (or the outcome its primitive
// demonstrates, PrimitiveInfo::expected_status), 1 some case not ok, 130 interrupted.
// Throws UsageError for bad input before anything runs.
int run_command(const Registry& r, RunOptions opts);

// Preset names and what they set, for help and validation.

}  // namespace contend
