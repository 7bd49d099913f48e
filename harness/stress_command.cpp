#include "harness/stress_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
#include "harness/stress_report.hpp"
#include "harness/stress_trial.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
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
    int cpus = 1;
    std::chrono::milliseconds timeout{20'000};
    std::string stack_file;        // where a crashing child writes its stacks
    std::string sanitizer_prefix;  // where a sanitizer build's child writes its reports
};

TrialResult run_trial(const StressTrial& trial, const TrialBench& bench) {
    CaseConfig cfg;
    cfg.scenario = trial.kase.scenario->name;
    cfg.primitive = trial.kase.primitive;
    cfg.params = trial.kase.params;
    cfg.threads = trial.kase.threads;
    cfg.warmup_ns = trial.warmup_ns;
    cfg.duration_ns = trial.duration_ns;
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

// The trials, one after another, until the budget (or --repeat), the
// failure limit or a Ctrl-C ends them; each counted in the report as it ends.
void run_trials(const std::vector<StressTarget>& targets, const StressOptions& opts,
                const TrialBench& bench, StressReport& report) {
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
                         minutes_seconds(report.elapsed()).c_str(),
                         replaying ? "replay" : minutes_seconds(budget_s).c_str(), trial.id,
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
}

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
    BusyWork::calibrate(bench.clock, Topology::get().compact);

    StressReport report(opts, targets, bench.cpus);
    InterruptCount interrupts;
    run_trials(targets, opts, bench, report);
    const bool interrupted = InterruptCount::stop_asked();
    interrupts.restore();

    report.write(!interrupted);
    if (!opts.quiet) report.print_summary();
    if (interrupted)
        return interrupted_exit(std::to_string(report.trials()) + " trials", opts.output);
    return report.failures() ? 1 : 0;
}

}  // namespace contend
