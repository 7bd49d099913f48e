#pragma once
// The record of where and how a run happened (Google Benchmark's context
// fields plus contend's), and the warnings that make its numbers suspect.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace contend {

struct BuildInfo {
    static const char* version();
    // The source tree's revision when this binary was built, written at
    // every build (cmake/git_revision.cmake), not when CMake configured, so
    // a rebuild after a commit records the new one. Empty when unknown.
    static const char* git_revision();
    static int git_tree_dirty();      // tracked files differed from it: 1, 0, or -1 when unknown
    static const char* build_type();  // CMake build type, e.g. "Release"
    static const char* compiler();
    static const char* cxx_flags();
    static const char* sanitizer();  // "", "address", "thread"
    // "libtbb-dev=2021.8.0-2 ..." as dpkg reported them when CMake configured.
    static const char* peer_libraries();
};

// Context fields that do not depend on the run's options.
nlohmann::json environment_context();

// Human-readable reasons to distrust figures on this machine; `max_threads`
// is the largest thread count the run asks for (0 when not running).
std::vector<std::string> environment_warnings(int max_threads);

std::string utc_timestamp(bool for_file_name);
std::string host_name();

}  // namespace contend
