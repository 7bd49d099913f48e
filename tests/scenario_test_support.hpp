#pragma once
// What the scenario tests share to call a runner directly, as the harness
// would, on a short window.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "harness/busy_work.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/registry.hpp"

namespace contend::test {

// The CaseConfig of one short repetition, unpinned, with a latency phase half
// as long as the window in which every operation is timed.
// `clock` must outlive the run; delays use the process's calibration
// (BusyWork::current(): uncalibrated, one tick per ns, unless a test
// calibrated it), close enough where only correctness is checked.
inline CaseConfig short_case(std::string scenario, const PrimitiveInfo* primitive, int threads,
                             const cycle_clock::Calibration& clock, std::int64_t duration_ns,
                             std::int64_t warmup_ns = 2'000'000) {
    CaseConfig c;
    c.scenario = std::move(scenario);
    c.primitive = primitive;
    c.threads = threads;
    c.warmup_ns = warmup_ns;
    c.duration_ns = duration_ns;
    c.latency_ns = duration_ns / 2;
    c.sample_every = 1;
    c.clock = &clock;
    return c;
}

// Sets integer parameters in order, sparing each value its std::int64_t{}.
inline void set_integers(ParamPoint& p,
                         std::initializer_list<std::pair<const char*, std::int64_t>> values) {
    for (const auto& [name, v] : values) p.set(name, v);
}

// Every delay record a sample carries has the harness's fields (delays.hpp),
// whichever thread timed it and however it was sampled.
inline void expect_complete_delay_records(const nlohmann::json& delays) {
    for (const auto& [name, d] : delays.items())
        for (const char* key : {"requested", "achieved", "samples", "iterations_per_ns",
                                "overshoot_ns", "check_off_by", "off_by", "flagged"})
            EXPECT_TRUE(d.contains(key)) << name << " lacks " << key;
}

}  // namespace contend::test
