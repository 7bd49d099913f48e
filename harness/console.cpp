#include "harness/console.hpp"

#include <cstdio>

namespace contend {
namespace {

std::string fmt_seconds(double s) {
    char buf[32];
    const int total = static_cast<int>(s + 0.5);
    std::snprintf(buf, sizeof buf, "%d:%02d", total / 60, total % 60);
    return buf;
}

std::string fmt_rate(const std::optional<double>& v) {
    if (!v) return "-";
    char buf[32];
    if (*v >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2f M/s", *v / 1e6);
    else if (*v >= 1e3)
        std::snprintf(buf, sizeof buf, "%.1f k/s", *v / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.0f /s", *v);
    return buf;
}

std::string fmt(const std::optional<double>& v, const char* f) {
    if (!v) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, f, *v);
    return buf;
}

// The queues whose 1x1 figure was measured beside a bare loop of the same
// queue: the ratio says whether the harness or the queue set the figure.
void print_harness_over_bare(const std::vector<SummaryRow>& rows) {
    bool any = false;
    for (const auto& r : rows) {
        if (!r.summary.median_harness_over_bare) continue;
        if (!any)
            std::printf(
                "harness over bare loop (1x1 queue figures against the same queue, "
                "capacity, message and CPUs in a bare push/pop loop; band %.2f-%.2f):\n",
                kHarnessOverBareLow, kHarnessOverBareHigh);
        any = true;
        const double v = *r.summary.median_harness_over_bare;
        const bool inside = v >= kHarnessOverBareLow && v <= kHarnessOverBareHigh;
        std::printf("  %-50s %5.2f%s\n", r.name.c_str(), v,
                    inside ? "" : "  outside: read this figure beside its bare loop");
    }
}

}  // namespace

Progress::Progress(std::size_t total, bool enabled) : total_(total), enabled_(enabled) {}

void Progress::start_case(std::size_t index, const std::string& name, double expected_s) {
    if (!enabled_) return;
    // ETA: measured seconds per case so far, or the plan's estimate at first.
    const double per_case = done_ ? done_s_ / static_cast<double>(done_) : expected_s;
    const double eta = per_case * static_cast<double>(total_ - index);
    std::fprintf(stderr, "\r\033[K[%zu/%zu] ETA %s  %s", index + 1, total_,
                 fmt_seconds(eta).c_str(), name.c_str());
    std::fflush(stderr);
}

void Progress::finish_case(double wall_s) {
    done_s_ += wall_s;
    ++done_;
}

void Progress::clear() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
}

void print_fidelity(const nlohmann::json& fidelity, const cycle_clock::Calibration& clock) {
    char rate[64] = "";
    if (clock.nominal_ticks_per_ns > 0)
        std::snprintf(rate, sizeof rate, " at %.1f MHz (%.1f ns a tick)",
                      clock.nominal_ticks_per_ns * 1e3, 1 / clock.nominal_ticks_per_ns);
    std::fprintf(stderr,
                 "timer: %s%s, one read %.1f ns, resolution %.1f ns (percentiles under %.0f ns "
                 "are marked below resolution)\n",
                 cycle_clock::source(), rate, clock.overhead_ns_median, clock.resolution_ns,
                 kResolutionFactor * clock.resolution_ns);
    const auto& empty = fidelity["empty_loop_ns"];
    for (const auto& c : fidelity["controls"]) {
        if (!c["ns_per_op"].is_number() || !empty.is_number()) continue;
        std::fprintf(stderr, "fidelity: %s %.2f ns/op = %.2fx an empty loop (%.2f ns): %s\n",
                     c["case"].get<std::string>().c_str(), c["ns_per_op"].get<double>(),
                     c["over_empty_loop"].get<double>(), empty.get<double>(),
                     c["what"].get<std::string>().c_str());
    }
}

void print_summary(const std::vector<SummaryRow>& rows, const std::string& output_path) {
    std::size_t width = 4;
    for (const auto& r : rows) width = std::max(width, r.name.size());
    std::printf("%-*s  %-8s %12s %6s %11s %6s\n", static_cast<int>(width), "case", "status",
                "throughput", "jain", "p99 wait", "spread");
    int bad = 0, unstable = 0, expected = 0;
    for (const auto& r : rows) {
        bad += !r.summary.good();
        expected += r.summary.expected;
        unstable += r.summary.unstable;
        std::printf(
            "%-*s  %-8s %12s %6s %11s %6s%s\n", static_cast<int>(width), r.name.c_str(),
            r.status.c_str(), fmt_rate(r.summary.median_items_per_second).c_str(),
            fmt(r.summary.median_jain, "%.3f").c_str(),
            fmt(r.summary.median_p99_ns, r.summary.p99_below_resolution ? "<res %.0f" : "%.0f ns")
                .c_str(),
            fmt(r.summary.throughput_spread ? std::optional(*r.summary.throughput_spread * 100)
                                            : std::nullopt,
                "%.1f%%")
                .c_str(),
            r.summary.extended_windows ? "  unstable (window extended)"
            : r.summary.unstable       ? "  unstable"
                                       : "");
    }
    print_harness_over_bare(rows);
    for (const auto& r : rows)
        if (r.status != "ok")
            std::printf("%s%s: %s: %s\n", r.status.c_str(), r.summary.expected ? " (expected)" : "",
                        r.name.c_str(), r.summary.detail.c_str());
    std::printf(
        "%zu cases, %d not ok, %d as expected of a primitive that demonstrates a failure, "
        "%d unstable (throughput's robust spread, 1.4826 MAD / median, above the threshold, or "
        "a window extended because the machine "
        "ran no worker in it). '<res': p99 under %.0fx the timer's resolution. Results: %s\n",
        rows.size(), bad, expected, unstable, kResolutionFactor, output_path.c_str());
}

}  // namespace contend
