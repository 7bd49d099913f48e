// What the environment record says about the machine and the build, checked
// where it can be on any host: the arm64 CPU model decoded from MIDR fields
// (/proc/cpuinfo texts in the format arm64 kernels print), the atomics
// record, and the counter's stated rate where the architecture states one.
#include <gtest/gtest.h>

#include <string>

#include "harness/atomics_build.hpp"
#include "harness/cpu_model.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/topology.hpp"

namespace contend {
namespace {

// Two processor blocks of an arm64 /proc/cpuinfo (a Neoverse-N1 server).
constexpr const char* kNeoverseN1 =
    "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 "
    "atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs\nCPU implementer\t: 0x41\n"
    "CPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n\n"
    "processor\t: 1\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU architecture: 8\n"
    "CPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n\n";

TEST(CpuModel, Arm64NamesTheCoreFromMidrFields) {
    EXPECT_EQ(cpu_model_from_cpuinfo(kNeoverseN1),
              "ARM Neoverse-N1 r3p1 (MIDR implementer 0x41 part 0xd0c)");
}

TEST(CpuModel, BigLittlePartsAreListedOnceEach) {
    const std::string text =
        "processor\t: 0\nCPU implementer\t: 0x41\nCPU variant\t: 0x0\nCPU part\t: 0xd05\n"
        "CPU revision\t: 0\n\nprocessor\t: 1\nCPU implementer\t: 0x41\nCPU variant\t: 0x0\n"
        "CPU part\t: 0xd05\nCPU revision\t: 0\n\nprocessor\t: 2\nCPU implementer\t: 0x41\n"
        "CPU variant\t: 0x4\nCPU part\t: 0xd0b\nCPU revision\t: 1\n";
    EXPECT_EQ(cpu_model_from_cpuinfo(text),
              "ARM Cortex-A55 r0p0 (MIDR implementer 0x41 part 0xd05) + "
              "ARM Cortex-A76 r4p1 (MIDR implementer 0x41 part 0xd0b)");
}

TEST(CpuModel, UnknownPartsAndImplementersAreNamedByNumber) {
    EXPECT_EQ(arm_core_name(0x41, 0xd99), "ARM part 0xd99");
    EXPECT_EQ(arm_core_name(0xc0, 0xac3), "Ampere AmpereOne");
    EXPECT_EQ(arm_core_name(0x99, 0x1), "implementer 0x99 part 0x001");
}

TEST(CpuModel, X86ModelNameWins) {
    EXPECT_EQ(cpu_model_from_cpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel\t\t: 1\n"
                                     "model name\t: AMD EPYC 7B13\n"),
              "AMD EPYC 7B13");
    EXPECT_EQ(cpu_model_from_cpuinfo(""), "");
}

TEST(CpuModel, CpuinfoValueIsTheFirstLineOfItsKey) {
    const std::string text =
        "processor\t: 0\ncpu MHz\t\t: 2096.062\nprocessor\t: 1\n"
        "cpu MHz\t\t: 1800.000\n";
    EXPECT_EQ(cpuinfo_value(text, "cpu MHz"), "2096.062");
    EXPECT_EQ(cpuinfo_value(kNeoverseN1, "cpu MHz"), "");
}

TEST(AtomicsBuild, OutlineResolvesWithTheCpu) {
    EXPECT_EQ(atomics_in_use("outline", true), "lse");
    EXPECT_EQ(atomics_in_use("outline", false), "llsc");
    EXPECT_EQ(atomics_in_use("lse", true), "lse");
    EXPECT_EQ(atomics_in_use("llsc", true), "llsc");
}

TEST(AtomicsBuild, RecordMatchesThisBuild) {
    const AtomicsBuild a = atomics_build();
#if defined(__aarch64__)
    EXPECT_EQ(a.isa, "aarch64");
    EXPECT_TRUE(a.cpu_has_lse.is_boolean());
#if defined(__ARM_FEATURE_ATOMICS)
    EXPECT_EQ(a.build, "lse");
#else
    EXPECT_TRUE(a.build == "outline" || a.build == "llsc") << a.build;
#endif
    EXPECT_TRUE(a.in_use == "lse" || a.in_use == "llsc") << a.in_use;
    if (a.build == "llsc") EXPECT_EQ(a.in_use, "llsc");
#elif defined(__x86_64__)
    EXPECT_EQ(a.isa, "x86-64");
    EXPECT_EQ(a.in_use, "lock-prefix");
    EXPECT_TRUE(a.cpu_has_lse.is_null());
#endif
    EXPECT_EQ(a.to_json().at("in_use"), a.in_use);
}

TEST(CounterRate, StatedWhereTheArchitectureStatesIt) {
    const auto cal = cycle_clock::calibrate(std::chrono::milliseconds(5));
#if defined(__aarch64__)
    // CNTFRQ_EL0: ARMv8.6+ fixes it at 1 GHz; servers before that 1-200 MHz.
    const auto hz = cycle_clock::nominal_frequency_hz();
    EXPECT_GE(hz, 1'000'000u);
    EXPECT_LE(hz, 1'000'000'000u);
    EXPECT_DOUBLE_EQ(cal.nominal_ticks_per_ns, static_cast<double>(hz) / 1e9);
    // No counter steps finer than one of its ticks.
    EXPECT_GE(cal.resolution_ns, 0.99 / cal.ticks_per_ns);
#else
    EXPECT_EQ(cycle_clock::nominal_frequency_hz(), 0u);
    EXPECT_EQ(cal.nominal_ticks_per_ns, 0.0);
    EXPECT_FALSE(cal.nominal_disagrees());
#endif
}

TEST(CounterRate, DisagreementBeyondTwoPercentIsFlagged) {
    cycle_clock::Calibration cal;
    cal.ticks_per_ns = 0.025;  // 25 MHz measured
    cal.nominal_ticks_per_ns = 0.025;
    EXPECT_FALSE(cal.nominal_disagrees());
    cal.nominal_ticks_per_ns = 0.1;  // firmware says 100 MHz
    EXPECT_TRUE(cal.nominal_disagrees());
}

// Two packages of two cores with two hardware threads each, numbered the
// way Linux often numbers them: siblings adjacent (0 and 1 share a core).
TEST(Placement, OneThreadPerCoreBeforeAnySibling) {
    std::vector<CpuPlace> cpus;
    for (int os = 0; os < 8; ++os)
        cpus.push_back({os, /*package=*/os / 4, /*core=*/os / 2, /*sibling=*/os % 2});
    const PlacementOrders o = placement_orders(cpus, 2);
    // compact: package 0's cores, package 1's, then the siblings in that order.
    EXPECT_EQ(o.compact, (std::vector<int>{0, 2, 4, 6, 1, 3, 5, 7}));
    // scatter: alternating packages, then the siblings.
    EXPECT_EQ(o.scatter, (std::vector<int>{0, 4, 2, 6, 1, 5, 3, 7}));
    // Without SMT, compact is the cores in order.
    std::vector<CpuPlace> flat;
    for (int os = 0; os < 4; ++os) flat.push_back({os, 0, os, 0});
    EXPECT_EQ(placement_orders(flat, 1).compact, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace contend
