#pragma once
// The unit of sharing between cores: state written by different threads
// lives on lines of its own (no false sharing inside the harness).
#include <cstddef>

namespace contend {

inline constexpr std::size_t kCacheLine = 64;

}  // namespace contend
