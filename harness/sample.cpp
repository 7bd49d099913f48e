#include "harness/sample.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/stats.hpp"

namespace contend {

std::uint64_t Sample::total_ops() const {
    std::uint64_t sum = 0;
    for (const auto& t : threads)
        if (t.counted) sum += t.ops;
    return sum;
}

void Sample::fail(const std::string& what) {
    valid = false;
    detail += (detail.empty() ? "" : "; ") + what;
}

nlohmann::json finite_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

namespace {

nlohmann::json opt(const std::optional<double>& v) {
    return v ? finite_or_null(*v) : nlohmann::json(nullptr);
}

nlohmann::json latency_to_json(const LatencyHistogram& h, const cycle_clock::Calibration& clock,
                               std::uint32_t every) {
    const double tpn = clock.ticks_per_ns;
    nlohmann::json j{{"unit", "ns"},
                     {"count", h.count()},
                     {"sample_every", every ? nlohmann::json(every) : nlohmann::json(nullptr)},
                     {"timer_overhead_ns", finite_or_null(clock.overhead_ns_median)},
                     {"resolution_ns", finite_or_null(clock.resolution_ns)}};
    nlohmann::json below = nlohmann::json::array();
    nlohmann::json too_few = nlohmann::json::array();
    const std::pair<const char*, double> points[] = {
        {"p50", 50}, {"p90", 90}, {"p99", 99}, {"p999", 99.9}};
    if (h.count() == 0) {
        for (const char* k : {"mean", "p50", "p90", "p99", "p999", "max"}) j[k] = nullptr;
    } else {
        j["mean"] = finite_or_null(h.mean() / tpn);
        for (const auto& [key, p] : points) {
            const double ns = static_cast<double>(h.percentile(p)) / tpn;
            j[key] = finite_or_null(ns);
            if (ns < kResolutionFactor * clock.resolution_ns) below.push_back(key);
            if (static_cast<double>(h.count()) * (100 - p) / 100 < kMinTailSamples - 1e-9)
                too_few.push_back(key);
        }
        j["max"] = finite_or_null(static_cast<double>(h.max()) / tpn);
    }
    j["below_resolution"] = below;
    j["too_few_samples"] = too_few;
    return j;
}

// The N the latency phase used: the median over the threads that reached it.
std::uint32_t harness_sample_every(const Sample& s) {
    std::vector<std::uint32_t> n;
    for (const auto& t : s.threads)
        if (t.sample_every) n.push_back(t.sample_every);
    if (n.empty()) return 0;
    std::nth_element(n.begin(), n.begin() + n.size() / 2, n.end());
    return n[n.size() / 2];
}

// Why a fairness figure is null: its fair share (Σx / n) is under
// kFairnessMinFairShare operations.
nlohmann::json too_few_for_fairness(double fair_share) {
    return "too few operations per thread for fairness (fair share " +
           std::to_string(static_cast<long long>(fair_share)) + " < " +
           std::to_string(static_cast<int>(kFairnessMinFairShare)) + ")";
}

}  // namespace

nlohmann::json sample_to_json(const Sample& s, const cycle_clock::Calibration& clock, int cpus) {
    const std::uint64_t ops = s.total_ops();
    const double n = static_cast<double>(s.threads.size());
    double cpu_ns = 0, vcs = 0, ivcs = 0;
    std::vector<double> per_thread_ops;
    nlohmann::json per_thread = nlohmann::json::array();
    for (std::size_t i = 0; i < s.threads.size(); ++i) {
        const auto& t = s.threads[i];
        cpu_ns += static_cast<double>(t.cpu_ns);
        vcs += static_cast<double>(t.voluntary_cs);
        ivcs += static_cast<double>(t.involuntary_cs);
        if (t.counted) per_thread_ops.push_back(static_cast<double>(t.ops));
        nlohmann::json row{{"thread", i},
                           {"cpu", t.cpu >= 0 ? nlohmann::json(t.cpu) : nlohmann::json(nullptr)},
                           {"ops", t.ops},
                           {"cpu_ns", t.cpu_ns},
                           {"voluntary_cs", t.voluntary_cs},
                           {"involuntary_cs", t.involuntary_cs}};
        if (!t.role.empty()) row["role"] = t.role;
        if (t.sample_every) row["sample_every"] = t.sample_every;
        if (!s.thread_cpus.empty()) row["pinned"] = !t.pin_failed;
        row.update(t.extra);
        per_thread.push_back(std::move(row));
    }
    Fairness f = fairness(per_thread_ops);
    const double fair_share =
        per_thread_ops.empty() ? 0 : static_cast<double>(ops) / per_thread_ops.size();
    nlohmann::json fairness_note = nullptr;
    if (!per_thread_ops.empty() && fair_share < kFairnessMinFairShare) {
        f = Fairness{};
        fairness_note = too_few_for_fairness(fair_share);
    }
    const double d_ops = static_cast<double>(ops);
    const double wall_per_op = ops ? s.window_ns * n / d_ops : NAN;
    const double cpu_per_op = ops ? cpu_ns / d_ops : NAN;

    nlohmann::json metrics{
        {"window_ns", finite_or_null(s.window_ns)},
        {"window_extended_ns", finite_or_null(s.window_extended_ns)},
        {"total_ops", ops},
        {"throughput_ops_per_s", finite_or_null(d_ops / (s.window_ns * 1e-9))},
        {"ns_per_op_wall", finite_or_null(wall_per_op)},
        {"cpu_ns_per_op", finite_or_null(cpu_per_op)},
        {"cpu_utilisation", finite_or_null(cpu_ns / (s.window_ns * n))},
        {"jain_index", opt(f.jain)},
        {"min_max_ratio", opt(f.min_max_ratio)},
        {"per_thread_cv", opt(f.cv)},
        {"starved_threads", fairness_note.is_null() ? nlohmann::json(f.starved) : nullptr},
        {"fairness_null_reason", fairness_note},
        {"voluntary_cs_per_op", finite_or_null(ops ? vcs / d_ops : NAN)},
        {"involuntary_cs_per_op", finite_or_null(ops ? ivcs / d_ops : NAN)},
        {"start_skew_ns", finite_or_null(s.start_skew_ns)},
        {"latency_window_ns", finite_or_null(s.latency_window_ns)},
    };
    // Per-role fairness ("producer_jain_index"): one role can be fair while
    // the other starves, which the counted role's index alone cannot show.
    // Null, with its reason beside it, on the same rule as jain_index: a
    // starved role's share is too small to tell fairness from the
    // scheduler's quantum (its starvation is the scenario's own figure).
    std::map<std::string, std::vector<double>> by_role;
    for (const auto& t : s.threads)
        if (!t.role.empty()) by_role[t.role].push_back(static_cast<double>(t.ops));
    for (const auto& [role, x] : by_role) {
        double sum = 0;
        for (double v : x) sum += v;
        const double share = sum / static_cast<double>(x.size());
        const auto jain = fairness(x).jain;
        // A role of one thread (a pipeline's source, an IPC consumer) has
        // nobody to be fair to: its index would read 1 whatever happened.
        nlohmann::json why = nullptr;
        if (x.size() < 2)
            why = "one thread in the role: nothing to compare";
        else if (!jain || share < kFairnessMinFairShare)
            why = too_few_for_fairness(share);
        metrics[role + "_jain_index"] = why.is_null() ? finite_or_null(*jain) : nullptr;
        metrics[role + "_fairness_null_reason"] = why;
    }
    metrics.update(s.metrics);

    const std::uint32_t every = harness_sample_every(s);
    nlohmann::json latency = nlohmann::json::object();
    for (const auto& [name, h] : s.latencies)
        latency[name] = latency_to_json(h, clock, s.sample_every ? s.sample_every : every);

    nlohmann::json cpus_json = nlohmann::json::array();
    for (int c : s.thread_cpus) cpus_json.push_back(c);
    // Pinned threads can use only the CPUs they were pinned to.
    std::vector<int> distinct = s.thread_cpus;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const int usable_cpus = distinct.empty() ? cpus : static_cast<int>(distinct.size());

    nlohmann::json row{
        {"iterations", ops},
        {"real_time", finite_or_null(wall_per_op)},
        {"cpu_time", finite_or_null(cpu_per_op)},
        {"time_unit", "ns"},
        {"items_per_second", finite_or_null(d_ops / (s.window_ns * 1e-9))},
        {"cpus", cpus},
        {"oversubscribed", static_cast<int>(s.threads.size()) > usable_cpus},
        {"metrics", std::move(metrics)},
        {"per_thread", std::move(per_thread)},
        {"latency", std::move(latency)},
        {"delays", s.delays},
        {"thread_cpus", s.thread_cpus.empty() ? nlohmann::json(nullptr) : cpus_json},
        {"coordinator_cpu",
         s.coordinator_cpu >= 0 ? nlohmann::json(s.coordinator_cpu) : nlohmann::json(nullptr)},
        {"validation",
         {{"ok", s.valid},
          {"checks", s.checks},
          {"detail", s.detail.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.detail)}}},
    };
    // JSON objects sort their keys, so the order of `latency` cannot say
    // which kind is the scenario's own figure: the row names it.
    if (!s.latencies.empty()) row["primary_latency"] = s.latencies.front().first;
    if (!s.deadlock.is_null()) row["deadlock"] = s.deadlock;
    if (s.threads_abandoned || !s.deadlock.is_null()) row["threads_abandoned"] = true;
    row.update(s.row_extra);
    return row;
}

}  // namespace contend
