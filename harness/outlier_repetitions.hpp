#pragma once
// Repetitions of one case whose throughput lies far from the others' (stats.hpp,
// is_outlier), each named with what its own record says may have caused it:
// the figure is kept and the comparison tools see the name, so an outlier is
// never silently pooled with its siblings nor silently dropped.
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/stats.hpp"

namespace contend {

// [{"repetition", "items_per_second", "off_by", "causes": [...]}] for the
// sample rows of one case (in repetition order) whose items_per_second is an
// outlier of `throughput`. Causes, from each row: "window extended" (no
// operation by the window's end: the machine did not run the workers),
// "delay off" (a busy-work delay beyond ±5 % of its request), "delay
// calibration off here" (a worker's check of the run's calibration beyond
// ±5 %), "unpinned thread" (pinning was asked for and failed), "involuntary
// context switches" (over 3x the case's median and 10 more); "none recorded"
// when nothing in the record explains it.
nlohmann::json outlier_repetitions(const std::vector<nlohmann::json>& rows,
                                   const Summary& throughput);

}  // namespace contend
