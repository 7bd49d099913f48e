#pragma once
// `contend run --store URL`: the finished result is added to the results
// store by the store tool (scripts/store.py, contend-store when installed),
// the one code that writes a store; contend itself speaks no SQL.

#include <string>

namespace contend {

// Where store.py is: $CONTEND_SCRIPTS_DIR, else beside the executable
// (installed: <prefix>/share/contend/scripts; a build folder inside the
// source tree: <source>/scripts). Empty when none is found.
std::string store_tool_path();

// Adds `result_path` to the store `url` ("default": $CONTEND_STORE, else the
// default store file). Returns the tool's exit status (0 added or already
// stored; 2 bad input; 3 the store failed); the tool prints its own line.
// The result file is never touched: a failed add loses nothing measured.
int add_to_store(const std::string& url, const std::string& result_path);

}  // namespace contend
