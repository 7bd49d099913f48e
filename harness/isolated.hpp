#pragma once
// A value alone on its cache line(s): the object under test (a lock) or a
// line of the data it guards, so that nothing else a scenario or the harness
// touches shares a line with it and no traffic but its own moves it.
#include "harness/cache_line.hpp"

namespace contend {

template <class T>
struct alignas(kCacheLine) Isolated {
    T value;
};

}  // namespace contend
