#include "harness/outlier_repetitions.hpp"

#include <algorithm>
#include <cmath>

#include "harness/delays.hpp"

namespace contend {

namespace {

// row[key] when it is an object (or array), else an empty one: fields a
// scenario does not report are absent or null.
nlohmann::json field(const nlohmann::json& row, const char* key, nlohmann::json empty) {
    const auto it = row.find(key);
    return it != row.end() && it->type() == empty.type() ? *it : empty;
}

double involuntary_switches(const nlohmann::json& row) {
    double n = 0;
    const nlohmann::json threads = field(row, "per_thread", nlohmann::json::array());
    for (const auto& t : threads)
        if (t.is_object() && t.contains("involuntary_cs") && t["involuntary_cs"].is_number())
            n += t["involuntary_cs"].get<double>();
    return n;
}

nlohmann::json causes_of(const nlohmann::json& row, double median_switches) {
    nlohmann::json causes = nlohmann::json::array();
    const nlohmann::json metrics = field(row, "metrics", nlohmann::json::object());
    const auto extended = metrics.value("window_extended_ns", nlohmann::json());
    if (extended.is_number() && extended.get<double>() > 0) causes.push_back("window extended");
    bool delay_off = false, check_off = false;
    const nlohmann::json delays = field(row, "delays", nlohmann::json::object());
    for (const auto& [name, d] : delays.items()) {  // items() of a temporary would dangle
        if (!d.is_object()) continue;
        delay_off |= d.value("flagged", false);
        const auto check = d.value("check_off_by", nlohmann::json());
        check_off |= check.is_number() && std::fabs(check.get<double>()) > kDelayTolerance;
    }
    if (delay_off) causes.push_back("delay off");
    if (check_off) causes.push_back("delay calibration off here");
    const nlohmann::json threads = field(row, "per_thread", nlohmann::json::array());
    for (const auto& t : threads)
        if (t.is_object() && !t.value("pinned", true)) {
            causes.push_back("unpinned thread");
            break;
        }
    if (involuntary_switches(row) > 3 * median_switches + 10)
        causes.push_back("involuntary context switches");
    if (causes.empty()) causes.push_back("none recorded");
    return causes;
}

}  // namespace

nlohmann::json outlier_repetitions(const std::vector<nlohmann::json>& rows,
                                   const Summary& throughput) {
    nlohmann::json out = nlohmann::json::array();
    std::vector<double> switches;
    for (const auto& r : rows) switches.push_back(involuntary_switches(r));
    const double median_switches = summarize(switches).median;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto ips = rows[i].value("items_per_second", nlohmann::json());
        if (!ips.is_number() || !is_outlier(throughput, ips.get<double>())) continue;
        const double x = ips.get<double>();
        out.push_back({{"repetition", i},
                       {"items_per_second", x},
                       {"off_by", throughput.median != 0 ? x / throughput.median - 1 : 0.0},
                       {"causes", causes_of(rows[i], median_switches)}});
    }
    return out;
}

}  // namespace contend
