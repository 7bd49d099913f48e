#include "harness/stress_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/environment.hpp"
#include "harness/interrupt_count.hpp"
#include "harness/isolation.hpp"
#include "harness/result_document.hpp"
#include "harness/sanitizer_report.hpp"
#include "harness/stack_capture.hpp"
#include "harness/stress_trial.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

struct Verdict {
    std::string status = "ok";  // ok | failed
    std::string detector;       // validation | stall | hang | crash | sanitizer
    std::string detail, signal, stacks;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string fmt_clock(double s) {
    char buf[32];
    const int t = static_cast<int>(s + 0.5);
    std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
    return buf;
}

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

Verdict grade(const CaseOutcome& o, const std::string& stack_file,
              const SanitizerReport& sanitizer) {
    Verdict v;
    if (!sanitizer.text.empty())  // it ended the child: whatever else came is its aftermath
        return {"failed", "sanitizer", sanitizer.summary, o.signal.value_or(""), sanitizer.text};
    for (const auto& line : o.samples)  // the stall watch's report comes first, alone
        if (line.contains("stall"))
            return {"failed", "stall", line["stall"].get<std::string>(), "",
                    line.value("stacks", std::string())};
    if (o.status == "timeout") {
        v = {"failed", "hang", o.detail, "", o.stacks};
    } else if (o.status == "crashed") {
        v = {"failed", "crash", o.detail, o.signal.value_or(""), read_file(stack_file)};
    } else if (o.samples.empty()) {
        v = {"failed", "crash", "the trial ended without a sample", "", ""};
    } else {
        const auto& val = o.samples.front()["validation"];
        const auto& d = val["detail"];  // null when the sample is valid
        const std::string detail = d.is_string() ? d.get<std::string>() : "invalid";
        if (!val.value("ok", false))  // the stall watch's verdicts start "stalled:"
            v = {"failed", detail.rfind("stalled:", 0) == 0 ? "stall" : "validation", detail, "",
                 ""};
    }
    return v;
}

// Checks the options and fills in the drawn seed and the default report path.
void settle_options(StressOptions& opts) {
    if (opts.budget_ns <= 0) throw UsageError("--for: must be above 0 (e.g. 10m)");
    if (opts.trial_timeout_ns < 100'000'000)
        throw UsageError("--trial-timeout: must be at least 100ms");
    if (opts.repeat < 1 || opts.repeat > 1'000'000)
        throw UsageError("--repeat: " + std::to_string(opts.repeat) +
                         " is out of range (allowed: 1..1000000)");
    if (opts.replay >= 0 && opts.seed == 0)
        throw UsageError("--replay: needs the --seed of the run that found the failure");
    if (opts.seed == 0) opts.seed = std::random_device{}() | 1;
    if (opts.output.empty()) {
        std::error_code ec;
        std::filesystem::create_directories("results/local", ec);
        opts.output = "results/local/stress-" + host_name() + "-" + utc_timestamp(true) + ".json";
    }
    check_writable(opts.output);
}

// What one stress session needs to run a trial.
struct TrialBench {
    cycle_clock::Calibration clock;
    BusyWork busy;
    int cpus = 1;
    std::chrono::milliseconds timeout{20'000};
    std::string stack_file;        // where a crashing child writes its stacks
    std::string sanitizer_prefix;  // where a sanitizer build's child writes its reports
};

struct TrialResult {
    Verdict verdict;
    double wall_s = 0;
    bool killed = false;  // by a second Ctrl-C: not a verdict on the primitive
};

TrialResult run_trial(const StressTrial& trial, const TrialBench& bench) {
    CaseConfig cfg;
    cfg.scenario = trial.kase.scenario->name;
    cfg.primitive = trial.kase.primitive;
    cfg.params = trial.kase.params;
    cfg.threads = trial.kase.threads;
    cfg.warmup_ns = trial.warmup_ns;
    cfg.duration_ns = trial.duration_ns;
    cfg.busy = &bench.busy;
    cfg.clock = &bench.clock;
    cfg.perturb = &trial.perturb;
    const CaseRunner& runner = trial.kase.scenario->runners.at(trial.kase.primitive->name);
    std::filesystem::remove(bench.stack_file);
    CaseWork work = [&](const std::function<void(const nlohmann::json&)>& emit) {
        dump_stacks_on_fatal_signal(bench.stack_file);
        send_sanitizer_reports_to(bench.sanitizer_prefix);
        // A stall is sent as soon as it is seen, with every thread's stack,
        // and ends the trial: it is a failure whether or not a later event
        // would rescue the sleeper, and one seen after the stop never ends
        // (nobody is left to wake it).
        cfg.on_stall = [&](const std::string& what, bool stopped) {
            if (dying_of_fatal_signal()) return;  // the crash is the finding
            emit({{"stall", what + (stopped ? " after the stop: nothing was left to wake it"
                                            : " during the run")},
                  {"stacks", capture_stacks(getpid())}});
            _exit(0);
        };
        emit(sample_to_json(runner(cfg), bench.clock, bench.cpus));
    };
    const auto t0 = std::chrono::steady_clock::now();
    const CaseOutcome outcome =
        run_in_child(work, bench.timeout, InterruptCount::kill_asked, capture_stacks);
    TrialResult result;
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.killed = InterruptCount::kill_asked();
    result.verdict =
        grade(outcome, bench.stack_file, take_sanitizer_report(bench.sanitizer_prefix));
    std::filesystem::remove(bench.stack_file);
    return result;
}

// The report of one session: trials and failures per target, every failure
// whole, rewritten after each trial so a reader (or a Ctrl-C) always finds
// the latest count.
class StressReport {
  public:
    StressReport(const StressOptions& opts, const std::vector<StressTarget>& targets, int cpus)
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

    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    int trials() const { return trials_; }
    int failures() const { return failures_; }

    // Returns the failure's record (null when the trial passed).
    nlohmann::json add(const StressTrial& trial, const TrialResult& r) {
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

    void write(bool complete) {
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

    void print_summary() const {
        std::printf("%-60s %7s %8s\n", "scenario/primitive", "trials", "failures");
        for (const auto& [key, t] : by_target_)
            if (t.trials)
                std::printf("%-60s %7d %8d\n", (key.first + "/" + key.second).c_str(), t.trials,
                            t.failures);
        std::printf("%d trials in %s, %d failed, seed %llu. Report: %s\n", trials_,
                    fmt_clock(elapsed()).c_str(), failures_,
                    static_cast<unsigned long long>(opts_.seed), opts_.output.c_str());
    }

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

}  // namespace

int stress_command(const Registry& r, StressOptions opts) {
    const std::vector<StressTarget> targets = stress_targets(r, opts.targets, opts.primitives);
    settle_options(opts);

    TrialBench bench;
    bench.cpus = Topology::get().allowed_cpus();
    bench.timeout = std::chrono::milliseconds(opts.trial_timeout_ns / 1'000'000);
    const std::string scratch = std::filesystem::temp_directory_path().string() +
                                "/contend-stress-" + std::to_string(getpid());
    bench.stack_file = scratch + ".stacks";
    bench.sanitizer_prefix = scratch + ".sanitizer";
    if (!opts.quiet) std::fprintf(stderr, "calibrating timer and delay loop...\n");
    bench.clock = cycle_clock::calibrate(std::chrono::milliseconds(5));
    bench.busy = BusyWork::calibrate();

    StressReport report(opts, targets, bench.cpus);
    std::optional<InterruptCount> interrupts(std::in_place);
    const bool tty = isatty(STDERR_FILENO) && !opts.quiet;
    const bool replaying = opts.replay >= 0;
    const double budget_s = static_cast<double>(opts.budget_ns) * 1e-9;
    for (int n = 0;; ++n) {
        if (replaying ? n >= opts.repeat : report.elapsed() >= budget_s) break;
        if (InterruptCount::stop_asked()) break;
        if (opts.max_failures && report.failures() >= opts.max_failures) break;
        if (replaying && report.failures()) break;  // reproduced: --repeat is an upper bound
        const StressTrial trial =
            draw_trial(targets, opts.seed, replaying ? opts.replay : n, bench.cpus);
        if (tty)
            std::fprintf(stderr, "\r\033[K[%s of %s] trial %d, %d failed  %s",
                         fmt_clock(report.elapsed()).c_str(),
                         replaying ? "replay" : fmt_clock(budget_s).c_str(), trial.id,
                         report.failures(), trial.kase.name.c_str());
        const TrialResult result = run_trial(trial, bench);
        if (result.killed) break;
        const nlohmann::json failure = report.add(trial, result);
        if (failure.is_null()) continue;
        if (tty) std::fprintf(stderr, "\r\033[K");
        if (!opts.quiet)
            std::fprintf(stderr, "FAILED %s (%s): %s\n  replay: %s\n", trial.kase.name.c_str(),
                         result.verdict.detector.c_str(), result.verdict.detail.c_str(),
                         failure["replay"].get<std::string>().c_str());
    }
    if (tty) std::fprintf(stderr, "\r\033[K");
    const bool interrupted = InterruptCount::stop_asked();
    interrupts.reset();
    report.write(!interrupted);

    if (!opts.quiet) report.print_summary();
    if (interrupted) {
        std::fprintf(stderr, "interrupted: %d trials written to %s (complete: false)\n",
                     report.trials(), opts.output.c_str());
        return 130;
    }
    return report.failures() ? 1 : 0;
}

}  // namespace contend
