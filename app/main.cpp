// contend — one binary, subcommands: list, run, stress, micro, env.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "harness/environment.hpp"
#include "harness/list_command.hpp"
#include "harness/params.hpp"
#include "harness/registry.hpp"
#include "harness/runner.hpp"
#include "harness/stress_command.hpp"
#include "suites/micro/micro_suite.hpp"

namespace po = boost::program_options;
using namespace contend;

namespace {

constexpr const char* kUsage =
    "usage: contend <command> [options]\n"
    "commands:\n"
    "  list [--json] [--all]      suites, scenarios (with parameters) and primitives\n"
    "  run [SCENARIO|SUITE...]    run cases and write a JSON result (contend run --help)\n"
    "  stress [SCENARIO|SUITE...] torture primitives with randomized, perturbed trials\n"
    "                             (contend stress --help)\n"
    "  micro [benchmark flags]    uncontended single-operation costs (Google Benchmark)\n"
    "  env [--json]               the environment record and its warnings\n"
    "  --version                  print the version\n";

bool test_primitives_enabled() {
    const char* v = std::getenv("CONTEND_TEST_PRIMITIVES");
    return v && std::string(v) == "1";
}

// Splits "a,b" values given once or several times into one list.
std::vector<std::string> flatten_list(const std::vector<std::string>& given) {
    std::vector<std::string> out;
    for (const auto& g : given) {
        std::size_t start = 0;
        while (true) {
            auto pos = g.find(',', start);
            auto item = g.substr(start, pos - start);
            if (item.empty())
                throw UsageError("--primitive: malformed list '" + g + "' (empty item)");
            out.push_back(item);
            if (pos == std::string::npos) break;
            start = pos + 1;
        }
    }
    return out;
}

// Parses `args` against `desc` plus positional SCENARIO|SUITE targets.
// Prints the help and returns false for --help.
bool parse_command(const po::options_description& desc, const std::vector<std::string>& args,
                   po::variables_map& vm, std::vector<std::string>& targets) {
    po::options_description hidden;
    hidden.add_options()("target", po::value<std::vector<std::string>>()->composing());
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("target", -1);
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return false;
    }
    if (vm.count("target")) targets = vm["target"].as<std::vector<std::string>>();
    return true;
}

int cmd_run(const Registry& reg, const std::vector<std::string>& args,
            const std::vector<std::string>& full_command_line) {
    po::options_description desc(
        "contend run [SCENARIO|SUITE...] [options]\n"
        "Runs the cartesian product of the chosen scenarios, primitives and parameter values.\n"
        "Value lists: 1,2,4 | 1..16 | 1..16:x2 | 0..1000:+250; ns parameters take units (2us).\n"
        "options");
    std::string threads, duration, warmup, timeout, sample_every = "auto", latency_window;
    std::vector<std::string> sets, prims;
    RunOptions o;
    desc.add_options()("help,h", "this help")("threads,t", po::value(&threads),
                                              "thread counts (default: 1..2*CPUs:x2)")(
        "set,s", po::value(&sets)->composing(),
        "NAME=LIST for any scenario parameter (repeatable)")(
        "primitive,p", po::value(&prims)->composing(),
        "primitives, comma-separated (default: every non-control one)")(
        "duration,d", po::value(&duration), "measured window per repetition, e.g. 250ms")(
        "warmup,w", po::value(&warmup), "warm-up before each window, e.g. 20ms")(
        "repetitions,r", po::value(&o.repetitions), "repetitions per case (preset default: 5)")(
        "pin", po::value(&o.pin)->default_value("compact"),
        "none|compact|scatter|CPU list (default compact: measured threads are always pinned)")(
        "output,o", po::value(&o.output), "result file (default results/local/<host>-<UTC>.json)")(
        "preset", po::value(&o.preset)->default_value("default"), "quick|default|full")(
        "isolate", po::value<std::string>()->default_value("process"),
        "process (each case in a child under a watchdog) | none")(
        "sample-every", po::value(&sample_every)->default_value("auto"),
        "latency phase: time a random 1 in N operations; auto: N per thread so timing costs "
        "<= 1 %")(
        "latency-window", po::value(&latency_window),
        "the sampled latency phase after each window (default: half the window; 0: none)")(
        "order", po::value(&o.order)->default_value("interleaved"),
        "interleaved (repetitions round-robin over shuffled cases) | sequential")(
        "seed", po::value(&o.seed),
        "shuffle seed for --order interleaved (default: random, recorded)")(
        "case-timeout", po::value(&timeout),
        "watchdog limit per case (default: 3x expected + 10s)")(
        "cv-threshold", po::value(&o.cv_threshold)->default_value(0.10),
        "flag a case unstable above this robust throughput spread (1.4826 MAD / median, "
        "read like a CV)")("rerun-outliers",
                           "run each outlying repetition once more and keep the rerun in its "
                           "place (the outlier stays in the case's reruns)")(
        "store", po::value(&o.store),
        "add the result to this results store as the run finishes: a path, sqlite:///PATH, "
        "postgresql://..., or 'default' ($CONTEND_STORE, else "
        "~/.local/share/contend/store.sqlite)")("quiet,q", "no progress or summary");
    po::variables_map vm;
    if (!parse_command(desc, args, vm, o.targets)) return 0;
    if (!threads.empty()) o.values["threads"] = threads;
    for (const auto& s : sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
            throw UsageError("--set: '" + s +
                             "' is malformed (allowed: NAME=LIST, e.g. cs_ns=0,100)");
        const auto name = s.substr(0, eq);
        if (name == "threads") throw UsageError("--set: use --threads for the thread counts");
        o.values[name] = s.substr(eq + 1);
    }
    o.primitives = flatten_list(prims);
    if (!duration.empty()) o.duration_ns = parse_duration_ns(duration, "--duration");
    if (!warmup.empty()) o.warmup_ns = parse_duration_ns(warmup, "--warmup");
    if (!timeout.empty()) {
        o.case_timeout_ns = parse_duration_ns(timeout, "--case-timeout");
        if (o.case_timeout_ns < 1'000'000)
            throw UsageError("--case-timeout: '" + timeout + "' is too short (at least 1ms)");
    }
    const auto iso = vm["isolate"].as<std::string>();
    if (iso != "process" && iso != "none")
        throw UsageError("--isolate: '" + iso + "' is not allowed (allowed: process, none)");
    o.isolate = iso == "process";
    if (sample_every != "auto") {
        char* end = nullptr;
        const unsigned long n = std::strtoul(sample_every.c_str(), &end, 10);
        if (sample_every.empty() || *end != '\0' || sample_every[0] == '-' || n < 1 ||
            n > 1'000'000)
            throw UsageError("--sample-every: '" + sample_every +
                             "' is not allowed (allowed: auto, or 1..1000000)");
        o.sample_every = static_cast<std::uint32_t>(n);
    }
    if (!latency_window.empty())
        o.latency_ns =
            latency_window == "0" ? 0 : parse_duration_ns(latency_window, "--latency-window");
    if (!(o.cv_threshold > 0)) throw UsageError("--cv-threshold: must be above 0 (e.g. 0.1)");
    o.quiet = vm.count("quiet") > 0;
    o.rerun_outliers = vm.count("rerun-outliers") > 0;
    o.command_line = full_command_line;
    return run_command(reg, o);
}

int cmd_stress(const Registry& reg, const std::vector<std::string>& args,
               const std::vector<std::string>& full_command_line) {
    po::options_description desc(
        "contend stress [SCENARIO|SUITE...] [options]\n"
        "Runs many short trials with randomized parameters and perturbations (delays, yields,\n"
        "sleeps, migration, stutter, bursts, oversubscription) and reports every failure with\n"
        "the command that replays it. Default: every lock, rw-lock, queue and pool scenario.\n"
        "Exit status: 0 nothing failed, 1 a trial failed, 2 bad input, 130 interrupted.\n"
        "options");
    std::string budget = "1m", trial_timeout = "20s";
    std::vector<std::string> prims;
    StressOptions o;
    desc.add_options()("help,h", "this help")("for", po::value(&budget)->default_value("1m"),
                                              "time budget, e.g. 10m or 1h")(
        "primitive,p", po::value(&prims)->composing(),
        "primitives, comma-separated (default: every non-control one; controls only by name)")(
        "seed", po::value(&o.seed), "seed of the trials (default: random, recorded)")(
        "replay", po::value(&o.replay), "run only trial ID of the run with --seed")(
        "repeat", po::value(&o.repeat)->default_value(1),
        "with --replay: run the trial up to N times, stopping at a failure")(
        "max-failures", po::value(&o.max_failures)->default_value(0),
        "stop after this many failures (0: run the whole budget)")(
        "trial-timeout", po::value(&trial_timeout)->default_value("20s"),
        "a trial still running after this is a hang: stacks captured, then killed")(
        "output,o", po::value(&o.output),
        "report file (default results/local/stress-<host>-<UTC>.json)")("quiet,q",
                                                                        "no progress or summary");
    po::variables_map vm;
    if (!parse_command(desc, args, vm, o.targets)) return 0;
    o.primitives = flatten_list(prims);
    o.budget_ns = parse_duration_ns(budget, "--for");
    o.trial_timeout_ns = parse_duration_ns(trial_timeout, "--trial-timeout");
    if (vm.count("replay") && o.replay < 0)
        throw UsageError("--replay: must be a trial number (0 or more)");
    if (o.max_failures < 0) throw UsageError("--max-failures: must be 0 or more");
    o.quiet = vm.count("quiet") > 0;
    o.command_line = full_command_line;
    return stress_command(reg, o);
}

int cmd_env(const std::vector<std::string>& args) {
    bool json = false;
    for (const auto& a : args) {
        if (a == "--json")
            json = true;
        else
            throw UsageError("env: unknown argument '" + a + "' (allowed: --json)");
    }
    auto ctx = environment_context();
    ctx["warnings"] = environment_warnings(0);
    if (json) {
        std::cout << ctx.dump(2) << "\n";
        return 0;
    }
    for (const auto& [k, v] : ctx.items())
        if (k != "warnings")
            std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
    for (const auto& w : ctx["warnings"]) std::cout << "warning: " << w.get<std::string>() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::vector<std::string> full(argv, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::printf("contend %s (%s)\n", BuildInfo::version(),
                    BuildInfo::git_revision()[0] ? BuildInfo::git_revision() : "unknown revision");
        return 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    try {
        if (cmd == "micro") {
            std::vector<char*> margv{argv[0]};
            for (int i = 2; i < argc; ++i) margv.push_back(argv[i]);
            int margc = static_cast<int>(margv.size());
            return run_micro_suite(margc, margv.data());
        }
        Registry reg;
        register_all(reg, test_primitives_enabled());
        if (cmd == "list") return list_command(reg, args);
        if (cmd == "run") return cmd_run(reg, args, full);
        if (cmd == "stress") return cmd_stress(reg, args, full);
        if (cmd == "env") return cmd_env(args);
        throw UsageError("command: '" + cmd +
                         "' is not a command (allowed: list, run, stress, micro, env)");
    } catch (const UsageError& e) {
        std::fprintf(stderr, "contend: error: %s\n", e.what());
        return 2;
    } catch (const po::error& e) {
        std::fprintf(stderr, "contend %s: error: %s (see contend %s --help)\n", cmd.c_str(),
                     e.what(), cmd.c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "contend: fatal: %s\n", e.what());
        return 3;
    }
}
