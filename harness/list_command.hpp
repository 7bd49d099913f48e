#pragma once
#include <string>
#include <vector>

namespace contend {
class Registry;
// `contend list [--json] [--all]`: suites, scenarios with their parameters,
// and primitives with properties and footprint. --all includes controls.
int list_command(const Registry& r, const std::vector<std::string>& args);
}  // namespace contend
