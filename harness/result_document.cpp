#include "harness/result_document.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "harness/outlier_repetitions.hpp"
#include "harness/params.hpp"
#include "harness/sample.hpp"
#include "harness/stats.hpp"

namespace contend {
namespace {

nlohmann::json params_json(const ParamPoint& p) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, v] : p.values()) {
        if (auto* i = std::get_if<std::int64_t>(&v))
            j[name] = *i;
        else
            j[name] = std::get<std::string>(v);
    }
    return j;
}

std::optional<double> number(const nlohmann::json& j) {
    if (j.is_number()) return j.get<double>();
    return std::nullopt;
}

// The value of one aggregate over the samples' values of a figure.
nlohmann::json aggregate_value(const Summary& s, const std::string& which) {
    if (s.n == 0) return nullptr;
    if (which == "median") return finite_or_null(s.median);
    if (which == "mean") return finite_or_null(s.mean);
    if (which == "stddev") return finite_or_null(s.stddev);
    if (which == "min") return finite_or_null(s.min);
    if (which == "max") return finite_or_null(s.max);
    return s.cv ? finite_or_null(*s.cv) : nlohmann::json(nullptr);  // cv
}

Summary summarize_field(const std::vector<nlohmann::json>& rows,
                        const std::function<const nlohmann::json*(const nlohmann::json&)>& get) {
    std::vector<double> v;
    for (const auto& r : rows)
        if (const auto* x = get(r); x && x->is_number()) v.push_back(x->get<double>());
    return summarize(v);
}

}  // namespace

ResultDocument::ResultDocument(nlohmann::json context, double cv_threshold)
    : cv_threshold_(cv_threshold) {
    doc_["context"] = std::move(context);
    doc_["cases"] = nlohmann::json::array();
    doc_["benchmarks"] = nlohmann::json::array();
}

void ResultDocument::order_by_plan() {
    auto by_index = [](const nlohmann::json& a, const nlohmann::json& b) {
        return a.value("family_index", 0) < b.value("family_index", 0);
    };
    std::stable_sort(doc_["cases"].begin(), doc_["cases"].end(), by_index);
    std::stable_sort(doc_["benchmarks"].begin(), doc_["benchmarks"].end(), by_index);
}

CaseSummary ResultDocument::add_case(const PlannedCase& c, int index, int repetitions,
                                     CaseOutcome outcome, double wall_seconds,
                                     nlohmann::json reruns) {
    CaseSummary summary;
    summary.status = outcome.status;
    summary.detail = outcome.detail;
    // A detected deadlock outranks every other verdict but a crash: the
    // scenario saw its threads wait on each other in a cycle.
    nlohmann::json deadlock = nullptr;
    if (summary.status == "ok")
        for (const auto& s : outcome.samples)
            if (s.contains("deadlock")) {
                summary.status = "deadlock";
                deadlock = s["deadlock"];
                summary.detail = s["validation"]["detail"].is_string()
                                     ? s["validation"]["detail"].get<std::string>()
                                     : "deadlock detected";
                break;
            }
    if (summary.status == "ok")
        for (const auto& s : outcome.samples)
            if (!s["validation"]["ok"].get<bool>()) {
                summary.status = "invalid";
                summary.detail = s["validation"]["detail"].is_string()
                                     ? s["validation"]["detail"].get<std::string>()
                                     : "validation failed";
                break;
            }

    // A repetition in which no operation completed made no progress: a
    // liveness failure, and a row without a time per operation (which
    // Google Benchmark's tools cannot read), so it is reported, not kept.
    const auto before = outcome.samples.size();
    std::erase_if(outcome.samples,
                  [](const nlohmann::json& s) { return s.value("iterations", 0) == 0; });
    if (const auto stalled = before - outcome.samples.size(); stalled && summary.status == "ok") {
        summary.status = "invalid";
        summary.detail = std::to_string(stalled) + " of " + std::to_string(before) +
                         " repetitions completed no operation in the window (no progress)";
    }

    summary.expected = summary.status != "ok" && summary.status == c.primitive->expected_status;

    const nlohmann::json params = params_json(c.params);
    auto identity = [&](nlohmann::json row) {
        row["name"] = row.value("name", c.name);
        row["run_name"] = c.name;
        row["family_index"] = index;
        row["per_family_instance_index"] = 0;
        row["repetitions"] = repetitions;
        row["threads"] = c.threads;
        row["suite"] = c.scenario->suite;
        row["scenario"] = c.scenario->name;
        row["primitive"] = c.primitive->name;
        row["params"] = params;
        row["status"] = summary.status;
        return row;
    };

    std::vector<nlohmann::json> rows;
    for (std::size_t i = 0; i < outcome.samples.size(); ++i) {
        nlohmann::json row = identity(outcome.samples[i]);
        row["run_type"] = "iteration";
        row["repetition_index"] = i;
        rows.push_back(row);
        doc_["benchmarks"].push_back(std::move(row));
    }

    // Aggregates only for trusted cases: Google Benchmark's compare.py reads
    // every aggregate row and ignores `status`, so an invalid, timed-out or
    // crashed case keeps its sample rows (for inspection) but gets no
    // aggregate that a comparison could take at face value.
    if (!rows.empty() && summary.status == "ok") {
        // Which figures to aggregate: the top-level times and every numeric metric.
        std::vector<std::string> metric_names;
        for (const auto& [k, v] : rows.front()["metrics"].items())
            if (v.is_number() || v.is_null()) metric_names.push_back(k);
        auto top = [](const char* key) {
            return [key](const nlohmann::json& r) -> const nlohmann::json* {
                return r.contains(key) ? &r[key] : nullptr;
            };
        };
        const Summary real = summarize_field(rows, top("real_time"));
        const Summary cpu = summarize_field(rows, top("cpu_time"));
        const Summary ips = summarize_field(rows, top("items_per_second"));
        const Summary iters = summarize_field(rows, top("iterations"));
        std::map<std::string, Summary> metric_summaries;
        for (const auto& m : metric_names)
            metric_summaries[m] = summarize_field(rows, [&](const nlohmann::json& r) {
                return r["metrics"].contains(m) ? &r["metrics"][m] : nullptr;
            });
        for (const char* which : {"mean", "median", "stddev", "cv", "min", "max"}) {
            nlohmann::json row{
                {"name", c.name + "_" + which},
                {"run_type", "aggregate"},
                {"aggregate_name", which},
                {"aggregate_unit", std::string(which) == "cv" ? "percentage" : "time"},
                {"iterations", aggregate_value(iters, which)},
                {"real_time", aggregate_value(real, which)},
                {"cpu_time", aggregate_value(cpu, which)},
                {"time_unit", "ns"},
                {"items_per_second", aggregate_value(ips, which)}};
            nlohmann::json metrics = nlohmann::json::object();
            for (const auto& [m, s] : metric_summaries) metrics[m] = aggregate_value(s, which);
            row["metrics"] = std::move(metrics);
            row = identity(std::move(row));
            // compare.py reads real_time and cpu_time of every row as numbers.
            if (row["real_time"].is_null() || row["cpu_time"].is_null()) continue;
            doc_["benchmarks"].push_back(std::move(row));
        }
        summary.median_items_per_second = ips.n ? std::optional(ips.median) : std::nullopt;
        summary.throughput_cv = ips.cv;
        summary.throughput_spread = ips.robust_spread;
        summary.outliers = outlier_repetitions(rows, ips);
        for (const auto& r : rows)
            summary.extended_windows +=
                number(r["metrics"].value("window_extended_ns", nlohmann::json())).value_or(0) > 0;
        summary.unstable = (ips.robust_spread && *ips.robust_spread > cv_threshold_) ||
                           summary.extended_windows > 0;
        std::vector<double> jain, p99, over_bare;
        double resolution_ns = 0;
        for (const auto& r : rows) {
            if (auto v = number(r["metrics"]["jain_index"])) jain.push_back(*v);
            if (auto v = number(r["metrics"].value("harness_over_bare", nlohmann::json())))
                over_bare.push_back(*v);
            if (r.contains("primary_latency")) {
                const auto& lat = r["latency"][r["primary_latency"].get<std::string>()];
                if (auto v = number(lat["p99"])) p99.push_back(*v);
                if (auto res = number(lat.value("resolution_ns", nlohmann::json())))
                    resolution_ns = *res;
            }
        }
        if (!jain.empty()) summary.median_jain = summarize(jain).median;
        if (!p99.empty()) summary.median_p99_ns = summarize(p99).median;
        if (!over_bare.empty()) summary.median_harness_over_bare = summarize(over_bare).median;
        summary.p99_below_resolution =
            summary.median_p99_ns && *summary.median_p99_ns < kResolutionFactor * resolution_ns;
    }

    doc_["cases"].push_back({
        {"name", c.name},
        {"family_index", index},
        {"scenario", c.scenario->name},
        {"primitive", c.primitive->name},
        {"promises", declared_promises(*c.primitive)},
        {"params", params},
        {"status", summary.status},
        {"detail",
         summary.detail.empty() ? nlohmann::json(nullptr) : nlohmann::json(summary.detail)},
        {"signal", outcome.signal ? nlohmann::json(*outcome.signal) : nlohmann::json(nullptr)},
        {"samples", rows.size()},
        {"unstable", summary.unstable},
        {"extended_windows", summary.extended_windows},
        {"throughput_cv",
         summary.throughput_cv ? finite_or_null(*summary.throughput_cv) : nlohmann::json(nullptr)},
        {"throughput_spread", summary.throughput_spread ? finite_or_null(*summary.throughput_spread)
                                                        : nlohmann::json(nullptr)},
        {"outliers", summary.outliers.is_null() ? nlohmann::json::array() : summary.outliers},
        {"reruns", std::move(reruns)},
        {"wall_seconds", finite_or_null(wall_seconds)},
    });
    if (!deadlock.is_null()) doc_["cases"].back()["deadlock"] = std::move(deadlock);
    if (!c.primitive->expected_status.empty())
        doc_["cases"].back()["expected_status"] = c.primitive->expected_status;
    return summary;
}

void ResultDocument::write_atomically(const std::string& path) const {
    write_json_atomically(path, doc_);
}

void write_json_atomically(const std::string& path, const nlohmann::json& doc) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path tmp = target.parent_path() /
                         (".tmp." + target.filename().string() + "." + std::to_string(getpid()));
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + tmp.string() + ": " + strerror(errno));
        out << doc.dump(1) << "\n";
        out.flush();
        if (!out) {
            const std::string why = strerror(errno);
            out.close();
            std::error_code ignored;
            fs::remove(tmp, ignored);
            throw std::runtime_error("cannot write " + tmp.string() + ": " + why);
        }
    }
    if (int fd = ::open(tmp.c_str(), O_RDONLY); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot rename to " + target.string() + ": " + ec.message());
    }
}

void check_writable(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::error_code ec;
    if (fs::is_directory(target, ec))
        throw UsageError("-o: '" + path +
                         "' is a directory (allowed: a file path in a writable directory)");
    if (!fs::is_directory(dir, ec))
        throw UsageError("-o: directory '" + dir.string() +
                         "' does not exist (allowed: a file path in a writable directory)");
    const fs::path probe = dir / (".contend-probe." + std::to_string(getpid()));
    int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        throw UsageError("-o: cannot write in '" + dir.string() + "': " + strerror(errno) +
                         " (allowed: a file path in a writable directory)");
    ::close(fd);
    ::unlink(probe.c_str());
}

}  // namespace contend
