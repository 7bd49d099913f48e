#include "harness/atomics_build.hpp"

#include "harness/build_info.hpp"

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)  // arch/arm64/include/uapi/asm/hwcap.h
#endif
#endif

namespace contend {

#if defined(__aarch64__)
// The compiler's word first: it inlines LSE exactly when it defines
// __ARM_FEATURE_ATOMICS, whether CONTEND_ARM_ATOMICS=lse or a -march/-mcpu
// in CXXFLAGS asked for it. Without it, only the option tells an outline
// build from an inline LL/SC one.
#if defined(__ARM_FEATURE_ATOMICS)
constexpr const char* kCompiledAtomics = "lse";
#else
constexpr const char* kCompiledAtomics =
    __builtin_strcmp(CONTEND_ARM_ATOMICS, "llsc") == 0 ? "llsc" : "outline";
#endif
#endif

std::string atomics_in_use(const std::string& build, bool cpu_has_lse) {
    if (build == "outline") return cpu_has_lse ? "lse" : "llsc";
    return build;
}

AtomicsBuild atomics_build() {
#if defined(__aarch64__)
    const bool lse = (getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0;
    return {"aarch64", kCompiledAtomics, lse, atomics_in_use(kCompiledAtomics, lse)};
#elif defined(__x86_64__)
    return {"x86-64", "lock-prefix", nullptr, "lock-prefix"};
#else
    return {"other", "compiler default", nullptr, "compiler default"};
#endif
}

nlohmann::json AtomicsBuild::to_json() const {
    return {{"isa", isa}, {"build", build}, {"cpu_has_lse", cpu_has_lse}, {"in_use", in_use}};
}

}  // namespace contend
