#pragma once
// Scenario parameters: their declarations (type, default, range, doc), the
// values of one case, and the parsing of value lists given on the command
// line ("1,2,4", "1..16", "1..16:x2", "0..1000:+250", "100ns", "2us").
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace contend {

// Thrown for any bad user input; the message is one line naming the argument
// and what is allowed. The CLI turns it into exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class ParamType { Integer, Choice };

// The run presets (runner.cpp says what each one sets).
inline const std::vector<std::string>& preset_names() {
    static const std::vector<std::string> names{"quick", "default", "full"};
    return names;
}

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::Integer;
    std::string doc;
    std::string unit;  // "ns", "%", "lines", "" — integers with unit "ns" accept duration suffixes
    std::int64_t default_int = 0, min = 0, max = 0;
    std::vector<std::string> choices;
    std::string default_choice;
    bool always_in_name = false;  // otherwise named only when not at its default
    // The values the parameter takes under a --preset, as a value list
    // ("full" -> "0,400,4000"); a preset not named here runs the default.
    // Each scenario owns its sweeps: the harness names no parameter.
    std::map<std::string, std::string> preset_values{};

    static ParamSpec integer(std::string name, std::int64_t def, std::int64_t lo, std::int64_t hi,
                             std::string unit, std::string doc, bool in_name = false);
    static ParamSpec choice(std::string name, std::string def, std::vector<std::string> choices,
                            std::string doc);
    // This spec, sweeping `values` under `preset` (preset_values).
    ParamSpec in_preset(const std::string& preset, std::string values) &&;

    std::string default_text() const;
    std::string range_text() const;  // "0..1000000 ns" or "pause|none|yield"
};

using ParamValue = std::variant<std::int64_t, std::string>;
std::string to_string(const ParamValue& v);

// The values of one case, in the scenario's declaration order.
class ParamPoint {
  public:
    void set(const std::string& name, ParamValue v);
    std::int64_t integer(const std::string& name) const;
    const std::string& choice(const std::string& name) const;
    const ParamValue* find(const std::string& name) const;
    const std::vector<std::pair<std::string, ParamValue>>& values() const { return values_; }

  private:
    std::vector<std::pair<std::string, ParamValue>> values_;
};

// Parses a comma-separated list of values for `spec`, expanding ranges, and
// checks every value against the spec. `what` names the argument in errors.
std::vector<ParamValue> parse_values(const ParamSpec& spec, const std::string& text,
                                     const std::string& what);

// "250ms" -> nanoseconds. Units: ns, us, ms, s, m (minutes), h. `what` names the argument.
std::int64_t parse_duration_ns(const std::string& text, const std::string& what);
std::string format_duration(std::int64_t ns);

}  // namespace contend
