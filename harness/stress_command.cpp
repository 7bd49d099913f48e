#include "harness/stress_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/environment.hpp"
#include "harness/isolation.hpp"
#include "harness/result_document.hpp"
#include "harness/stack_capture.hpp"
#include "harness/stress_trial.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

std::atomic<int> g_stop{0};
void on_stop(int) {
    g_stop.fetch_add(1);
}

struct Verdict {
    std::string status = "ok";  // ok | failed
    std::string detector;       // validation | hang | crash
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

Verdict grade(const CaseOutcome& o, const std::string& stack_file) {
    Verdict v;
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

}  // namespace

int stress_command(const Registry& r, StressOptions opts) {
    const std::vector<StressTarget> targets = stress_targets(r, opts.targets, opts.primitives);
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

    const int cpus = Topology::get().allowed_cpus();
    if (!opts.quiet) std::fprintf(stderr, "calibrating timer and delay loop...\n");
    const cycle_clock::Calibration clock = cycle_clock::calibrate(std::chrono::milliseconds(5));
    const BusyWork busy = BusyWork::calibrate();

    nlohmann::json report;
    report["context"] = environment_context();
    report["context"]["stress"] = {
        {"seed", opts.seed},
        {"budget_ns", opts.budget_ns},
        {"trial_timeout_ns", opts.trial_timeout_ns},
        {"targets", opts.targets},
        {"primitives", opts.primitives},
        {"replay", opts.replay >= 0 ? nlohmann::json(opts.replay) : nlohmann::json(nullptr)},
        {"cpus", cpus},
        {"command_line", opts.command_line}};
    report["context"]["complete"] = false;
    report["failures"] = nlohmann::json::array();

    g_stop = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    struct sigaction old_int {
    }, old_term{};
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    struct Tally {
        int trials = 0, failures = 0;
        double wall_s = 0;
    };
    std::map<std::pair<std::string, std::string>, Tally> by_target;
    for (const auto& t : targets) by_target[{t.scenario->name, t.primitive->name}];
    const std::string stack_file = std::filesystem::temp_directory_path().string() +
                                   "/contend-stress-" + std::to_string(getpid()) + ".stacks";
    const bool tty = isatty(STDERR_FILENO) && !opts.quiet;
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    int trials = 0, failures = 0;
    auto write_report = [&](bool complete) {
        nlohmann::json per = nlohmann::json::array();
        for (const auto& [key, t] : by_target)
            per.push_back({{"scenario", key.first},
                           {"primitive", key.second},
                           {"trials", t.trials},
                           {"failures", t.failures},
                           {"wall_seconds", t.wall_s}});
        report["summary"] = {{"trials", trials}, {"failures", failures}, {"targets", per}};
        report["context"]["complete"] = complete;
        report["context"]["wall_seconds"] = elapsed();
        write_json_atomically(opts.output, report);
    };
    write_report(false);

    const double budget_s = static_cast<double>(opts.budget_ns) * 1e-9;
    for (int n = 0;; ++n) {
        const bool replaying = opts.replay >= 0;
        if (replaying ? n >= opts.repeat : elapsed() >= budget_s) break;
        if (g_stop || (opts.max_failures && failures >= opts.max_failures)) break;
        if (replaying && failures) break;  // reproduced: --repeat is an upper bound
        const StressTrial trial = draw_trial(targets, opts.seed, replaying ? opts.replay : n, cpus);
        if (tty)
            std::fprintf(stderr, "\r\033[K[%s of %s] trial %d, %d failed  %s",
                         fmt_clock(elapsed()).c_str(),
                         replaying ? "replay" : fmt_clock(budget_s).c_str(), trial.id, failures,
                         trial.kase.name.c_str());
        CaseConfig cfg;
        cfg.scenario = trial.kase.scenario->name;
        cfg.primitive = trial.kase.primitive;
        cfg.params = trial.kase.params;
        cfg.threads = trial.kase.threads;
        cfg.warmup_ns = trial.warmup_ns;
        cfg.duration_ns = trial.duration_ns;
        cfg.busy = &busy;
        cfg.clock = &clock;
        cfg.perturb = &trial.perturb;
        const CaseRunner& runner = trial.kase.scenario->runners.at(trial.kase.primitive->name);
        std::filesystem::remove(stack_file);
        CaseWork work = [&](const std::function<void(const nlohmann::json&)>& emit) {
            dump_stacks_on_fatal_signal(stack_file);
            // A stall is sent as soon as it is seen, with every thread's
            // stack, and ends the trial: it is a failure whether or not a
            // later event would rescue the sleeper, and one seen after the
            // stop never ends (nobody is left to wake it).
            cfg.on_stall = [&](const std::string& what, bool stopped) {
                emit({{"stall", what + (stopped ? " after the stop: nothing was left to wake it"
                                                : " during the run")},
                      {"stacks", capture_stacks(getpid())}});
                _exit(0);
            };
            emit(sample_to_json(runner(cfg), clock, cpus));
        };
        const auto t0 = std::chrono::steady_clock::now();
        const CaseOutcome outcome = run_in_child(
            work, std::chrono::milliseconds(opts.trial_timeout_ns / 1'000'000),
            [] { return g_stop >= 2; }, capture_stacks);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (g_stop >= 2) break;  // killed by a second Ctrl-C: not a verdict on the primitive
        ++trials;
        Tally& tally = by_target[{cfg.scenario, cfg.primitive->name}];
        ++tally.trials;
        tally.wall_s += wall;
        const Verdict v = grade(outcome, stack_file);
        std::filesystem::remove(stack_file);
        if (v.status == "ok") {
            write_report(false);  // a reader (or a Ctrl-C) always finds the latest count
            continue;
        }
        ++failures;
        ++tally.failures;
        nlohmann::json f = trial.to_json();
        f["detector"] = v.detector;
        f["detail"] = v.detail;
        f["signal"] = v.signal.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.signal);
        f["stacks"] = v.stacks.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.stacks);
        f["wall_seconds"] = wall;
        f["replay"] = replay_command(trial, opts.seed);
        report["failures"].push_back(f);
        if (tty) std::fprintf(stderr, "\r\033[K");
        if (!opts.quiet)
            std::fprintf(stderr, "FAILED %s (%s): %s\n  replay: %s\n", trial.kase.name.c_str(),
                         v.detector.c_str(), v.detail.c_str(),
                         f["replay"].get<std::string>().c_str());
        write_report(false);
    }
    if (tty) std::fprintf(stderr, "\r\033[K");
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    const bool interrupted = g_stop != 0;
    write_report(!interrupted);

    if (!opts.quiet) {
        std::printf("%-60s %7s %8s\n", "scenario/primitive", "trials", "failures");
        for (const auto& [key, t] : by_target)
            if (t.trials)
                std::printf("%-60s %7d %8d\n", (key.first + "/" + key.second).c_str(), t.trials,
                            t.failures);
        std::printf("%d trials in %s, %d failed, seed %llu. Report: %s\n", trials,
                    fmt_clock(elapsed()).c_str(), failures,
                    static_cast<unsigned long long>(opts.seed), opts.output.c_str());
    }
    if (interrupted) {
        std::fprintf(stderr, "interrupted: %d trials written to %s (complete: false)\n", trials,
                     opts.output.c_str());
        return 130;
    }
    return failures ? 1 : 0;
}

}  // namespace contend
