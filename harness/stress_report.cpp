#include "harness/stress_report.hpp"

#include <cstdio>

#include "harness/environment.hpp"
#include "harness/result_document.hpp"

namespace contend {
namespace {

std::string shell_quote(const std::string& s) {
    if (s.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,-") ==
        std::string::npos)
        return s;
    std::string q = "'";
    for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

// The command that reruns one trial: its own scenario and primitive, the
// run's seed and the trial's id (draw_trial depends on nothing else).
std::string replay_command(const StressTrial& t, std::uint64_t seed) {
    return "contend stress " + t.kase.scenario->name + " --primitive " +
           shell_quote(t.kase.primitive->name) + " --seed " + std::to_string(seed) + " --replay " +
           std::to_string(t.id);
}

}  // namespace

std::string minutes_seconds(double s) {
    char buf[32];
    const int t = static_cast<int>(s + 0.5);
    std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
    return buf;
}

StressReport::StressReport(const StressOptions& opts, const std::vector<StressTarget>& targets,
                           int cpus)
    : opts_(opts) {
    doc_["context"] = environment_context();
    doc_["context"]["stress"] = {
        {"seed", opts.seed},
        {"budget_ns", opts.budget_ns},
        {"trial_timeout_ns", opts.trial_timeout_ns},
        {"targets", opts.targets},
        {"primitives", opts.primitives},
        {"replay", opts.replay >= 0 ? nlohmann::json(opts.replay) : nlohmann::json(nullptr)},
        {"cpus", cpus},
        {"command_line", opts.command_line}};
    doc_["failures"] = nlohmann::json::array();
    for (const auto& t : targets) by_target_[{t.scenario->name, t.primitive->name}];
    write(false);
}

double StressReport::elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

nlohmann::json StressReport::add(const StressTrial& trial, const TrialResult& r) {
    ++trials_;
    Tally& tally = by_target_[{trial.kase.scenario->name, trial.kase.primitive->name}];
    ++tally.trials;
    tally.wall_s += r.wall_s;
    if (r.verdict.status == "ok") {
        write(false);
        return nullptr;
    }
    ++failures_;
    ++tally.failures;
    const Verdict& v = r.verdict;
    nlohmann::json f = trial.to_json();
    f["detector"] = v.detector;
    f["detail"] = v.detail;
    f["signal"] = v.signal.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.signal);
    f["stacks"] = v.stacks.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.stacks);
    f["wall_seconds"] = r.wall_s;
    f["replay"] = replay_command(trial, opts_.seed);
    doc_["failures"].push_back(f);
    write(false);
    return f;
}

void StressReport::write(bool complete) {
    nlohmann::json per = nlohmann::json::array();
    for (const auto& [key, t] : by_target_)
        per.push_back({{"scenario", key.first},
                       {"primitive", key.second},
                       {"trials", t.trials},
                       {"failures", t.failures},
                       {"wall_seconds", t.wall_s}});
    doc_["summary"] = {{"trials", trials_}, {"failures", failures_}, {"targets", per}};
    doc_["context"]["complete"] = complete;
    doc_["context"]["wall_seconds"] = elapsed();
    write_json_atomically(opts_.output, doc_);
}

void StressReport::print_summary() const {
    std::printf("%-60s %7s %8s\n", "scenario/primitive", "trials", "failures");
    for (const auto& [key, t] : by_target_)
        if (t.trials)
            std::printf("%-60s %7d %8d\n", (key.first + "/" + key.second).c_str(), t.trials,
                        t.failures);
    std::printf("%d trials in %s, %d failed, seed %llu. Report: %s\n", trials_,
                minutes_seconds(elapsed()).c_str(), failures_,
                static_cast<unsigned long long>(opts_.seed), opts_.output.c_str());
}

}  // namespace contend
