#pragma once
// The result file being built during a run: context, the case ledger and the
// Google-Benchmark-shaped rows (samples, then aggregates per case). Written
// atomically after every case, so an interrupted or killed run keeps what it
// measured.
#include <string>

#include <nlohmann/json.hpp>

#include "harness/case_plan.hpp"
#include "harness/isolation.hpp"

namespace contend {

struct CaseSummary {
    std::string status;  // ok | invalid | deadlock | timeout | crashed
    std::string detail;
    bool expected = false;  // not ok, but the outcome the primitive demonstrates
    bool good() const { return status == "ok" || expected; }
    std::optional<double> median_items_per_second, median_jain, median_p99_ns;
    std::optional<double> throughput_cv;
    // stats.hpp's robust spread of the repetitions' throughput: what
    // `unstable` is judged on (the CV stays in the JSON).
    std::optional<double> throughput_spread;
    nlohmann::json outliers;            // outlier_repetitions(), null before aggregation
    bool p99_below_resolution = false;  // under kResolutionFactor x the timer's step
    // 1x1 queue samples: the harness's figure over the same queue's bare loop.
    std::optional<double> median_harness_over_bare;
    bool unstable = false;
    // Repetitions whose window ran past its planned end because no operation
    // had completed by then: the machine did not run the workers, so their
    // figures measure the scheduler (counted as unstable).
    int extended_windows = 0;
};

class ResultDocument {
  public:
    explicit ResultDocument(nlohmann::json context, double cv_threshold);

    // Records one finished case and returns its verdict for the console.
    // `reruns`: the outlying repetitions that --rerun-outliers replaced.
    CaseSummary add_case(const PlannedCase& c, int index, int repetitions, CaseOutcome outcome,
                         double wall_seconds, nlohmann::json reruns = nlohmann::json::array());
    nlohmann::json& context() { return doc_["context"]; }
    // Puts cases and rows in plan order (family_index), whatever order the
    // repetitions ran in.
    void order_by_plan();
    const nlohmann::json& json() const { return doc_; }

    // Temporary file in the same directory, then rename(2): readers never see
    // a half-written file. Throws std::runtime_error on failure.
    void write_atomically(const std::string& path) const;

  private:
    nlohmann::json doc_;
    double cv_threshold_;
};

// `doc` into a temporary file in the same directory, then rename(2): readers
// never see a half-written file. Throws std::runtime_error on failure.
void write_json_atomically(const std::string& path, const nlohmann::json& doc);

// Fails early (UsageError naming -o) if `path` cannot be written.
void check_writable(const std::string& path);

}  // namespace contend
