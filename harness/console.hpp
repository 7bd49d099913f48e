#pragma once
// What a person watching the run sees: a progress line on a terminal, and a
// summary table at the end.
#include <string>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/result_document.hpp"

namespace contend {

class Progress {
  public:
    Progress(std::size_t total, bool enabled);
    void start_case(std::size_t index, const std::string& name, double expected_s);
    void finish_case(double wall_s);
    void clear();

  private:
    std::size_t total_;
    bool enabled_;
    double done_s_ = 0;
    std::size_t done_ = 0;
};

struct SummaryRow {
    std::string name, status;
    CaseSummary summary;
};

// The run's fidelity self-check (context.fidelity) and the timer's limits,
// before the first case: a control far above the empty loop means the
// harness, not the primitives, would set the figures.
void print_fidelity(const nlohmann::json& fidelity, const cycle_clock::Calibration& clock);

void print_summary(const std::vector<SummaryRow>& rows, const std::string& output_path);

}  // namespace contend
