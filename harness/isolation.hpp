#pragma once
// Runs one case's repetitions in a child process under a watchdog, so a case
// that hangs or crashes costs only itself. The child streams each finished
// sample to the parent as one JSON line; whatever arrived before a timeout or
// crash is kept.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace contend {

struct CaseOutcome {
    std::string status = "ok";  // ok | timeout | crashed (invalid is decided from samples)
    std::string detail;         // one line, empty when ok
    std::optional<std::string> signal;
    std::vector<nlohmann::json> samples;
    std::string stacks;  // every thread's stack of a hung child (when asked for)
};

// emit(sample_json) is called by `work` once per finished repetition.
using CaseWork = std::function<void(const std::function<void(const nlohmann::json&)>& emit)>;

// `abort_now` is polled while waiting (at least once a second and after
// every signal); when it returns true the child is killed at once.
// `stacks_of_hung(pid)`, when given, runs on a timeout before the kill, while
// the child is still stuck, and its text becomes CaseOutcome::stacks.
CaseOutcome run_in_child(const CaseWork& work, std::chrono::milliseconds timeout,
                         const std::function<bool()>& abort_now,
                         const std::function<std::string(int pid)>& stacks_of_hung = {});
CaseOutcome run_in_process(const CaseWork& work);

}  // namespace contend
