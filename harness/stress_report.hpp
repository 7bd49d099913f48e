#pragma once
// The report of one `contend stress` session: trials and failures per
// target, every failure whole (its trial's parameters, perturbations, seed,
// detector, detail, stacks and the command that replays it), rewritten
// after each trial so a reader, or a Ctrl-C, always finds the latest count
// (results/contend-stress.schema.json).
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/stress_command.hpp"
#include "harness/stress_trial.hpp"

namespace contend {

// How a trial ended.
struct Verdict {
    std::string status = "ok";  // ok | failed
    std::string detector;       // validation | stall | hang | crash | sanitizer
    std::string detail, signal, stacks;
};

struct TrialResult {
    Verdict verdict;
    double wall_s = 0;
    bool killed = false;  // by a second Ctrl-C: not a verdict on the primitive
};

// "m:ss", for the progress line and the summary.
std::string minutes_seconds(double s);

class StressReport {
  public:
    StressReport(const StressOptions& opts, const std::vector<StressTarget>& targets, int cpus);

    double elapsed() const;
    int trials() const { return trials_; }
    int failures() const { return failures_; }

    // Counts the trial and rewrites the file; returns the failure's record
    // (null when the trial passed).
    nlohmann::json add(const StressTrial& trial, const TrialResult& r);
    void write(bool complete);
    void print_summary() const;

  private:
    struct Tally {
        int trials = 0, failures = 0;
        double wall_s = 0;
    };
    const StressOptions& opts_;
    nlohmann::json doc_;
    std::map<std::pair<std::string, std::string>, Tally> by_target_;
    int trials_ = 0, failures_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace contend
