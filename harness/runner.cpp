#include "harness/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>

#include "harness/busy_work.hpp"
#include "harness/case_plan.hpp"
#include "harness/console.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/environment.hpp"
#include "harness/fidelity_check.hpp"
#include "harness/interrupt_count.hpp"
#include "harness/isolation.hpp"
#include "harness/outlier_repetitions.hpp"
#include "harness/result_document.hpp"
#include "harness/results_store.hpp"
#include "harness/stats.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

struct Preset {
    std::string name;
    std::int64_t duration_ns, warmup_ns;
    int repetitions;
    std::string threads;  // value list; "" = doubling up to twice the CPUs
};

std::string doubling_threads(int cpus, bool every_cpu_count) {
    std::string s;
    std::vector<int> t;
    for (int v = 1; v <= 2 * cpus; v *= 2) t.push_back(v);
    if (every_cpu_count) {
        t.push_back(cpus);
        t.push_back(2 * cpus);
    }
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    for (int v : t) {
        if (!s.empty()) s += ",";
        s += std::to_string(v);
    }
    return s;
}

// quick: a smoke run in seconds. default: every primitive at each doubling
// of threads up to twice the CPUs, 5 repetitions (enough for a Mann-Whitney
// test to reach significance). full: 10 repetitions of longer windows and
// the CPU count itself as a thread count. Beyond these, each scenario says
// what a preset sweeps of its own parameters (ParamSpec::in_preset), e.g.
// the critical:think sweep of full that separates fair from unfair locks.
Preset preset(const std::string& name) {
    const int cpus = Topology::get().allowed_cpus();
    if (name == "quick") return {name, 50'000'000, 10'000'000, 3, "1,2"};
    if (name == "full") return {name, 250'000'000, 50'000'000, 10, doubling_threads(cpus, true)};
    if (name == "default") return {name, 60'000'000, 15'000'000, 5, doubling_threads(cpus, false)};
    throw UsageError("--preset: '" + name + "' is not allowed (allowed: quick, default, full)");
}

std::string default_output_path() {
    std::error_code ec;
    std::filesystem::create_directories("results/local", ec);
    if (ec)
        throw UsageError("-o: cannot create results/local for the default output (" + ec.message() +
                         "); pass -o FILE");
    return "results/local/" + host_name() + "-" + utc_timestamp(true) + ".json";
}

// The run's one delay calibration and what it achieves, measured in the
// parent right after it (each child checks it again on its own CPUs).
nlohmann::json delay_calibration(const BusyWork& busy) {
    nlohmann::json out = busy.to_json();
    nlohmann::json points = nlohmann::json::array();
    for (double ns : {50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0})
        points.push_back({{"requested_ns", ns},
                          {"achieved_ns", finite_or_null(busy.measure_ns(busy.ticks_for(ns)))}});
    out["points"] = points;
    return out;
}

// Where the threads of this run go: the CPU each thread index gets under the
// pin policy (all allowed CPUs' worth; empty for "none") and the map of
// those CPUs onto packages, cores and SMT siblings. Part of the comparison
// key: the same policy name on another CPU map is another placement.
nlohmann::json placement(const std::string& pin) {
    const Topology& topo = Topology::get();
    return {{"order", plan_pinning(pin, topo.allowed_cpus())},
            {"cores", topo.cores},
            {"cpu_map", topo.cpu_map()}};
}

}  // namespace

namespace {

// One repetition of each case per step; the steps in the order the run takes.
struct Step {
    std::size_t case_index;
    int repetition;
};

// Interleaved: round r runs repetition r of every case, the cases shuffled
// anew each round with a recorded seed, so slow drift of a shared machine
// spreads over every case instead of reading as a difference between the
// primitives that happen to run early and late. Sequential: all repetitions
// of a case back to back, cases in plan order.
std::vector<Step> plan_steps(std::size_t cases, int repetitions, const std::string& order,
                             std::uint64_t seed) {
    std::vector<Step> steps;
    if (order == "sequential") {
        for (std::size_t c = 0; c < cases; ++c)
            for (int rep = 0; rep < repetitions; ++rep) steps.push_back({c, rep});
        return steps;
    }
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> perm(cases);
    for (int rep = 0; rep < repetitions; ++rep) {
        std::iota(perm.begin(), perm.end(), std::size_t{0});
        std::shuffle(perm.begin(), perm.end(), rng);
        for (std::size_t c : perm) steps.push_back({c, rep});
    }
    return steps;
}

// What has been measured of one case so far.
struct CaseProgress {
    CaseOutcome outcome;
    double wall_s = 0;
    int done = 0;        // repetitions attempted
    bool ended = false;  // no further repetition runs (a timeout, crash or abandoned threads)
    bool written = false;
    nlohmann::json reruns = nlohmann::json::array();  // outliers replaced (--rerun-outliers)
};

// The outlying repetitions of a finished case's samples (items_per_second),
// as outlier_repetitions() names them.
nlohmann::json outliers_of(const std::vector<nlohmann::json>& samples) {
    std::vector<double> ips;
    for (const auto& s : samples)
        if (s.contains("items_per_second") && s["items_per_second"].is_number())
            ips.push_back(s["items_per_second"].get<double>());
    return outlier_repetitions(samples, summarize(ips));
}

}  // namespace

int run_command(const Registry& r, RunOptions opts) {
    // Everything the user typed is checked before the first case runs.
    const Preset p = preset(opts.preset);
    if (opts.duration_ns < 0) opts.duration_ns = p.duration_ns;
    if (opts.warmup_ns < 0) opts.warmup_ns = p.warmup_ns;
    if (opts.repetitions < 0) opts.repetitions = p.repetitions;
    if (opts.latency_ns < 0) opts.latency_ns = opts.duration_ns / 2;
    if (opts.duration_ns <= 0) throw UsageError("--duration: must be above 0 (e.g. 250ms)");
    if (opts.repetitions < 1 || opts.repetitions > 1000)
        throw UsageError("--repetitions: " + std::to_string(opts.repetitions) +
                         " is out of range (allowed: 1..1000)");
    if (opts.order != "interleaved" && opts.order != "sequential")
        throw UsageError("--order: '" + opts.order +
                         "' is not allowed (allowed: interleaved, sequential)");
    if (opts.seed == 0) opts.seed = std::random_device{}() | 1;
    PlanRequest req{opts.targets, opts.primitives, opts.values, p.name};
    req.default_threads = p.threads;
    const std::vector<PlannedCase> cases = plan_cases(r, req);
    if (cases.empty()) throw UsageError("scenario: nothing to run (no primitive matches)");
    int max_threads = 0;
    for (const auto& c : cases) max_threads = std::max(max_threads, c.threads);
    validate_pin_policy(opts.pin);
    if (opts.output.empty()) opts.output = default_output_path();
    check_writable(opts.output);

    const bool tty = isatty(STDERR_FILENO) && !opts.quiet;
    if (!opts.quiet) std::fprintf(stderr, "calibrating timer and delay loop...\n");
    const cycle_clock::Calibration clock = cycle_clock::calibrate();
    const BusyWork& busy = BusyWork::calibrate(clock, Topology::get().compact);

    nlohmann::json ctx = environment_context();
    ctx["executable"] = std::filesystem::read_symlink("/proc/self/exe").string();
    ctx["timer"] = {{"source", cycle_clock::source()},
                    {"ticks_per_ns", clock.ticks_per_ns},
                    {"overhead_ns_min", clock.overhead_ns_min},
                    {"overhead_ns_median", clock.overhead_ns_median},
                    {"resolution_ns", clock.resolution_ns},
                    {"nominal_frequency_hz", clock.nominal_ticks_per_ns > 0
                                                 ? nlohmann::json(clock.nominal_ticks_per_ns * 1e9)
                                                 : nlohmann::json(nullptr)},
                    {"below_resolution_factor", kResolutionFactor}};
    ctx["delay_calibration"] = delay_calibration(busy);
    ctx["options"] = {{"duration_ns", opts.duration_ns},
                      {"warmup_ns", opts.warmup_ns},
                      {"latency_window_ns", opts.latency_ns},
                      {"repetitions", opts.repetitions},
                      {"pin", opts.pin},
                      {"isolate", opts.isolate ? "process" : "none"},
                      {"preset", opts.preset},
                      {"sample_every", opts.sample_every ? nlohmann::json(opts.sample_every)
                                                         : nlohmann::json("auto")},
                      {"order", opts.order},
                      {"seed", opts.seed},
                      {"cv_threshold", opts.cv_threshold}};
    // Everything that must match for two runs' figures to be compared
    // (scripts/compare.py refuses otherwise, naming the field).
    ctx["measurement"] = {{"protocol_version", kProtocolVersion},
                          {"sample_every", ctx["options"]["sample_every"]},
                          {"latency_window_ns", opts.latency_ns},
                          {"duration_ns", opts.duration_ns},
                          {"warmup_ns", opts.warmup_ns},
                          {"pin", opts.pin},
                          {"order", opts.order},
                          {"seed", opts.seed},
                          {"build_type", ctx.value("build_type", "")},
                          {"cxx_flags", ctx.value("cxx_flags", "")},
                          {"sanitizer", ctx.contains("sanitizer") ? ctx["sanitizer"] : nullptr},
                          {"delay_iterations_per_ns", busy.ticks_per_ns()},
                          {"compiler", ctx["compiler"]},
                          {"peer_libraries", ctx["peer_libraries"]},
                          {"kernel", ctx["kernel"]},
                          {"placement", placement(opts.pin)}};
    ctx["command_line"] = opts.command_line;
    ctx["complete"] = false;
    ctx["warnings"] = environment_warnings(max_threads);
    for (const auto& c : busy.per_cpu())
        if (!c.quiet)
            ctx["warnings"].push_back("delay calibration on CPU " + std::to_string(c.cpu) +
                                      " found no quiet moment in " + std::to_string(c.attempts) +
                                      " tries (another process kept it busy): delays there may "
                                      "be off; see each case's delays.check_off_by");
    if (!cycle_clock::invariant())
        ctx["warnings"].push_back(std::string("the ") + cycle_clock::source() +
                                  " counter is not invariant: latencies in ns are approximate");
    if (clock.nominal_disagrees())
        ctx["warnings"].push_back(
            std::string("the ") + cycle_clock::source() + " counter's stated rate (" +
            std::to_string(clock.nominal_ticks_per_ns * 1e3) + " MHz) differs from its rate " +
            "measured against steady_clock (" + std::to_string(clock.ticks_per_ns * 1e3) +
            " MHz): firmware misprogrammed it; latencies use the measured rate");
    if (!opts.quiet)
        for (const auto& w : ctx["warnings"])
            std::fprintf(stderr, "warning: %s\n", w.get<std::string>().c_str());
    ctx["fidelity"] = measure_fidelity(r, opts.pin, clock);
    if (!opts.quiet) print_fidelity(ctx["fidelity"], clock);
    ResultDocument doc(std::move(ctx), opts.cv_threshold);
    doc.write_atomically(opts.output);

    InterruptCount interrupts;

    const auto run_start = std::chrono::steady_clock::now();
    const double per_rep_s = (opts.duration_ns + opts.warmup_ns + opts.latency_ns) * 1e-9 + 0.05;
    const std::vector<Step> steps =
        plan_steps(cases.size(), opts.repetitions, opts.order, opts.seed);
    std::vector<CaseProgress> progress_of(cases.size());
    Progress progress(steps.size(), tty);
    std::vector<SummaryRow> rows;
    bool any_bad = false;
    const int cpus = Topology::get().allowed_cpus();

    auto write_case = [&](std::size_t i) {
        CaseProgress& cp = progress_of[i];
        if (cp.written || cp.done == 0) return;
        cp.written = true;
        CaseSummary s = doc.add_case(cases[i], static_cast<int>(i), opts.repetitions,
                                     std::move(cp.outcome), cp.wall_s, std::move(cp.reruns));
        any_bad |= !s.good();
        rows.push_back({cases[i].name, s.status, s});
        if (!s.good()) {
            progress.clear();
            std::fprintf(stderr, "%s: %s: %s\n", s.status.c_str(), cases[i].name.c_str(),
                         s.detail.c_str());
        }
    };

    // One repetition of case `pc`, in a child under the watchdog (or in
    // process); its samples carry `run_step`, where in the run it was
    // measured. `wall`: its seconds.
    auto run_repetition = [&](const PlannedCase& pc, int repetition, std::size_t run_step,
                              double& wall) {
        CaseConfig cfg;
        cfg.scenario = pc.scenario->name;
        cfg.primitive = pc.primitive;
        cfg.params = pc.params;
        cfg.threads = pc.threads;
        cfg.warmup_ns = opts.warmup_ns;
        cfg.duration_ns = opts.duration_ns;
        cfg.latency_ns = opts.latency_ns;
        cfg.thread_cpus = plan_pinning(opts.pin, pc.threads);
        cfg.sample_every = opts.sample_every;
        cfg.repetition = repetition;
        cfg.clock = &clock;
        const CaseRunner& runner = pc.scenario->runners.at(pc.primitive->name);
        CaseWork work = [&](const std::function<void(const nlohmann::json&)>& emit) {
            emit(sample_to_json(runner(cfg), clock, cpus));
        };
        const auto t0 = std::chrono::steady_clock::now();
        const auto timeout = std::chrono::milliseconds(
            opts.case_timeout_ns > 0 ? opts.case_timeout_ns / 1'000'000
                                     : static_cast<std::int64_t>(per_rep_s * 3000) + 10'000);
        CaseOutcome outcome = opts.isolate ? run_in_child(work, timeout, InterruptCount::kill_asked)
                                           : run_in_process(work);
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        for (auto& sample : outcome.samples) sample["run_step"] = run_step;
        return outcome;
    };
    // --rerun-outliers: each outlying repetition of a finished, ok case once
    // more; a rerun that is ok takes its place, the outlier goes to `reruns`.
    auto rerun_outliers = [&](const PlannedCase& pc, CaseProgress& cp) {
        if (!opts.rerun_outliers || cp.outcome.status != "ok") return;
        for (const auto& o : outliers_of(cp.outcome.samples)) {
            if (InterruptCount::stop_asked()) return;
            const auto k = o["repetition"].get<std::size_t>();
            double wall = 0;
            CaseOutcome again = run_repetition(pc, static_cast<int>(k), steps.size() + k, wall);
            cp.wall_s += wall;
            if (again.status != "ok" || again.samples.size() != 1) continue;
            nlohmann::json replaced = o;
            replaced["sample"] = std::move(cp.outcome.samples[k]);
            again.samples[0]["rerun"] = true;
            cp.outcome.samples[k] = std::move(again.samples[0]);
            cp.reruns.push_back(std::move(replaced));
        }
    };

    std::size_t step_index = 0;
    for (; step_index < steps.size() && !InterruptCount::stop_asked(); ++step_index) {
        const Step& step = steps[step_index];
        const PlannedCase& pc = cases[step.case_index];
        CaseProgress& cp = progress_of[step.case_index];
        if (cp.ended) continue;
        progress.start_case(step_index, pc.name, per_rep_s);
        double wall = 0;
        CaseOutcome outcome = run_repetition(pc, step.repetition, step_index, wall);
        progress.finish_case(wall);
        cp.wall_s += wall;
        ++cp.done;
        for (auto& sample : outcome.samples) {
            // Deadlocked or stalled threads stay blocked in the process
            // that ran them: no further repetition of this case is trusted.
            if (sample.value("threads_abandoned", false)) cp.ended = true;
            cp.outcome.samples.push_back(std::move(sample));
        }
        if (outcome.status != "ok") {
            cp.outcome.status = outcome.status;
            cp.outcome.detail = outcome.detail;
            cp.outcome.signal = outcome.signal;
            cp.ended = true;
        }
        if (cp.ended || cp.done == opts.repetitions) {
            if (!cp.ended) rerun_outliers(pc, cp);
            cp.ended = true;
            write_case(step.case_index);
        }
        doc.context()["wall_seconds"] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
        doc.write_atomically(opts.output);
    }
    progress.clear();
    interrupts.restore();

    // An interrupt that arrived after the last step stopped nothing; one that
    // stopped the run keeps every repetition already measured.
    const bool interrupted = step_index < steps.size();
    for (std::size_t i = 0; i < cases.size(); ++i) write_case(i);
    doc.order_by_plan();
    doc.context()["complete"] = !interrupted;
    doc.write_atomically(opts.output);
    if (!opts.quiet) print_summary(rows, opts.output);
    // An interrupted run is not stored: its missing cases would read as a
    // history's gaps. The file is there to add by hand.
    if (!opts.store.empty() && !interrupted) {
        const int stored = add_to_store(opts.store, opts.output);
        if (stored != 0) return stored;
    }
    if (interrupted)
        return interrupted_exit(std::to_string(step_index) + " of " + std::to_string(steps.size()) +
                                    " repetitions of " + std::to_string(cases.size()) + " cases",
                                opts.output);
    return any_bad ? 1 : 0;
}

}  // namespace contend
