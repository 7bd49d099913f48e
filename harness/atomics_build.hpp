#pragma once
// Which instructions the build's atomic read-modify-writes compile to, and
// which the CPU runs: on AArch64 a contended CAS or exchange is either one
// LSE instruction (CAS, SWP, LDADD: ARMv8.1+) or an LDXR/STXR retry loop
// (LL/SC), and lock rankings change with it (lockhammer distinguishes them
// the same way). CMake's CONTEND_ARM_ATOMICS chooses; every result records it.
#include <nlohmann/json.hpp>
#include <string>

namespace contend {

struct AtomicsBuild {
    std::string isa;             // "x86-64", "aarch64" or "other"
    std::string build;           // aarch64: "outline", "lse" or "llsc"; x86-64: "lock-prefix"
    nlohmann::json cpu_has_lse;  // aarch64: HWCAP_ATOMICS; null elsewhere
    std::string in_use;          // what runs: "lse", "llsc", "lock-prefix" or "compiler default"

    nlohmann::json to_json() const;
};

// `build` from the compiler's own macros (and CMake's option for outline vs
// llsc, which no macro tells apart); `in_use` resolves "outline" with the
// CPU's HWCAP_ATOMICS, as libgcc's helpers do.
AtomicsBuild atomics_build();

// The resolution alone, for tests: an outline build uses LSE where the CPU
// has it.
std::string atomics_in_use(const std::string& build, bool cpu_has_lse);

}  // namespace contend
