#include "harness/empty_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace contend {

double empty_loop_ns() {
    constexpr std::uint64_t kIterations = 20'000'000;
    double runs[5];
    for (double& r : runs) {
        const auto t0 = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < kIterations; ++i) asm volatile("");
        const auto t1 = std::chrono::steady_clock::now();
        r = std::chrono::duration<double, std::nano>(t1 - t0).count() / kIterations;
    }
    std::nth_element(runs, runs + 2, runs + 5);
    return runs[2];
}

}  // namespace contend
