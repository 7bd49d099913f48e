#pragma once
// The fidelity self-check every run records (context.fidelity): each suite's
// control case — the harness with no primitive in it, e.g. locks.contention
// with the `none` lock at one thread and no delays — beside an empty loop of
// the kind Google Benchmark's loop/empty times. A control far above the
// empty loop means the harness, not the primitives, would set the figures.
#include <nlohmann/json.hpp>

#include "harness/registry.hpp"

namespace contend {

namespace cycle_clock {
struct Calibration;
}

// {"empty_loop_ns", "controls": [{"case", "ns_per_op", "over_empty_loop", "what"}]}:
// each control of r.fidelity_probes() run 3 times (50 ms windows), pinned by
// `pin` ("compact" when "none").
nlohmann::json measure_fidelity(const Registry& r, const std::string& pin,
                                const cycle_clock::Calibration& clock);

}  // namespace contend
