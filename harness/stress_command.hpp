#pragma once
// `contend stress`: the torture half of the product (DESIGN.md, "Stress
// mode"). For a time budget it runs many short trials (stress_trial.hpp),
// each in a child process under a watchdog, with perturbations injected
// around every operation (perturbation.hpp), and grades each one:
//   validation  the scenario's own checks failed (mutual exclusion, delivery
//               exactly once, ordering, tasks run once);
//   hang        no completion within the trial timeout: every thread's stack
//               is captured before the child is killed;
//   stall       a thread slept in its operation while what it waited for
//               was available (a lost wake-up, even one a later event rescues);
//   crash       the child died of a signal (with its stacks) or an exception;
//   sanitizer   in a CONTEND_SANITIZE build, ASan, UBSan or TSan reported an
//               error (the report is the failure's stacks).
// Every failure is written to the report with its trial's parameters,
// perturbations, seed and the one command that replays it.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/registry.hpp"

namespace contend {

struct StressOptions {
    std::vector<std::string> targets;     // scenarios or suites; empty: every `stress` scenario
    std::vector<std::string> primitives;  // empty: every non-control one
    std::int64_t budget_ns = 60'000'000'000;
    std::uint64_t seed = 0;  // 0: drawn at random (and recorded)
    int replay = -1;         // run only this trial
    int repeat = 1;          // --replay: run it up to this many times
    int max_failures = 0;    // stop after this many (0: never)
    std::int64_t trial_timeout_ns = 20'000'000'000;
    std::string output;  // empty: results/local/stress-<host>-<UTC>.json
    bool quiet = false;
    std::vector<std::string> command_line;
};

// Exit status: 0 nothing failed, 1 some trial failed, 130 interrupted (the
// report of what ran is kept). Throws UsageError for bad input.
int stress_command(const Registry& r, StressOptions opts);

}  // namespace contend
