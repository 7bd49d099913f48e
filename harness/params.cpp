#include "harness/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace contend {
namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto pos = s.find(sep, start);
        out.push_back(trim(s.substr(start, pos - start)));
        if (pos == std::string::npos) break;
        start = pos + 1;
    }
    return out;
}

bool parse_plain_int(const std::string& s, std::int64_t& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

// Integer with an optional duration suffix when the parameter is in ns.
std::int64_t parse_int_value(const ParamSpec& spec, const std::string& s, const std::string& what) {
    std::int64_t v = 0;
    if (parse_plain_int(s, v)) return v;
    if (spec.unit == "ns") return parse_duration_ns(s, what);
    throw UsageError(what + ": '" + s + "' is not an integer (allowed: " + spec.range_text() + ")");
}

void check_range(const ParamSpec& spec, std::int64_t v, const std::string& what) {
    if (v < spec.min || v > spec.max)
        throw UsageError(what + ": " + std::to_string(v) +
                         " is out of range (allowed: " + spec.range_text() + ")");
}

}  // namespace

ParamSpec ParamSpec::integer(std::string name, std::int64_t def, std::int64_t lo, std::int64_t hi,
                             std::string unit, std::string doc, bool in_name) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Integer;
    p.default_int = def;
    p.min = lo;
    p.max = hi;
    p.unit = std::move(unit);
    p.doc = std::move(doc);
    p.always_in_name = in_name;
    return p;
}

ParamSpec ParamSpec::choice(std::string name, std::string def, std::vector<std::string> choices,
                            std::string doc) {
    ParamSpec p;
    p.name = std::move(name);
    p.type = ParamType::Choice;
    p.default_choice = std::move(def);
    p.choices = std::move(choices);
    p.doc = std::move(doc);
    return p;
}

ParamSpec ParamSpec::in_preset(const std::string& preset, std::string values) && {
    preset_values[preset] = std::move(values);
    return std::move(*this);
}

std::string ParamSpec::default_text() const {
    return type == ParamType::Integer ? std::to_string(default_int) : default_choice;
}

std::string ParamSpec::range_text() const {
    if (type == ParamType::Choice) {
        std::string s;
        for (const auto& c : choices) s += (s.empty() ? "" : "|") + c;
        return s;
    }
    std::string s = std::to_string(min) + ".." + std::to_string(max);
    if (!unit.empty()) s += " " + unit;
    return s;
}

std::string to_string(const ParamValue& v) {
    if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    return std::get<std::string>(v);
}

void ParamPoint::set(const std::string& name, ParamValue v) {
    for (auto& [n, value] : values_)
        if (n == name) {
            value = std::move(v);
            return;
        }
    values_.emplace_back(name, std::move(v));
}

const ParamValue* ParamPoint::find(const std::string& name) const {
    for (const auto& [n, value] : values_)
        if (n == name) return &value;
    return nullptr;
}

std::int64_t ParamPoint::integer(const std::string& name) const {
    auto* v = find(name);
    if (!v || !std::holds_alternative<std::int64_t>(*v))
        throw std::logic_error("parameter '" + name + "' is not an integer of this case");
    return std::get<std::int64_t>(*v);
}

const std::string& ParamPoint::choice(const std::string& name) const {
    auto* v = find(name);
    if (!v || !std::holds_alternative<std::string>(*v))
        throw std::logic_error("parameter '" + name + "' is not a choice of this case");
    return std::get<std::string>(*v);
}

std::vector<ParamValue> parse_values(const ParamSpec& spec, const std::string& text,
                                     const std::string& what) {
    if (trim(text).empty())
        throw UsageError(what + ": empty list (allowed: " + spec.range_text() + ")");
    std::vector<ParamValue> out;
    for (const auto& item : split(text, ',')) {
        if (item.empty()) throw UsageError(what + ": malformed list '" + text + "' (empty item)");
        if (spec.type == ParamType::Choice) {
            bool known = false;
            for (const auto& c : spec.choices) known |= (c == item);
            if (!known)
                throw UsageError(what + ": '" + item +
                                 "' is not allowed (allowed: " + spec.range_text() + ")");
            out.emplace_back(item);
            continue;
        }
        auto dots = item.find("..");
        if (dots == std::string::npos) {
            auto v = parse_int_value(spec, item, what);
            check_range(spec, v, what);
            out.emplace_back(v);
            continue;
        }
        // Range: LO..HI, LO..HI:xK (geometric) or LO..HI:+K (arithmetic).
        std::string lo_s = item.substr(0, dots), rest = item.substr(dots + 2), step_s;
        if (auto colon = rest.find(':'); colon != std::string::npos) {
            step_s = rest.substr(colon + 1);
            rest = rest.substr(0, colon);
        }
        std::int64_t lo = parse_int_value(spec, lo_s, what), hi = parse_int_value(spec, rest, what);
        check_range(spec, lo, what);
        check_range(spec, hi, what);
        if (lo > hi)
            throw UsageError(what + ": range '" + item + "' runs backwards (write LO..HI)");
        bool geometric = false;
        std::int64_t step = 1;
        if (!step_s.empty()) {
            geometric = step_s[0] == 'x';
            if ((step_s[0] != 'x' && step_s[0] != '+') ||
                !parse_plain_int(step_s.substr(1), step) || step < (geometric ? 2 : 1))
                throw UsageError(what + ": bad step ':" + step_s + "' in '" + item +
                                 "' (allowed: :xK with K>=2, or :+K with K>=1)");
        }
        if (geometric && lo <= 0)
            throw UsageError(what + ": geometric range '" + item + "' must start above 0");
        if (!geometric && (hi - lo) / step > 100000)
            throw UsageError(what + ": range '" + item + "' expands to too many values");
        for (std::int64_t v = lo; v <= hi;) {
            out.emplace_back(v);
            // Stop instead of overflowing when the next value is past any int64.
            if (geometric ? __builtin_mul_overflow(v, step, &v)
                          : __builtin_add_overflow(v, step, &v))
                break;
        }
    }
    // A value listed twice would make two cases with one name.
    std::vector<ParamValue> unique;
    for (auto& v : out)
        if (std::find(unique.begin(), unique.end(), v) == unique.end())
            unique.push_back(std::move(v));
    return unique;
}

std::int64_t parse_duration_ns(const std::string& text, const std::string& what) {
    std::string s = trim(text);
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    std::string num = s.substr(0, i), unit = s.substr(i);
    double scale = 0;
    if (unit == "ns")
        scale = 1;
    else if (unit == "us")
        scale = 1e3;
    else if (unit == "ms")
        scale = 1e6;
    else if (unit == "s")
        scale = 1e9;
    else if (unit == "m")
        scale = 60e9;
    else if (unit == "h")
        scale = 3600e9;
    double value = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
    if (num.empty() || ec != std::errc() || p != num.data() + num.size() || scale == 0)
        throw UsageError(
            what + ": '" + text +
            "' is not a duration (a number with a unit: ns, us, ms, s, m, h; e.g. 250ms)");
    double ns = value * scale;
    if (!std::isfinite(ns) || ns > 1e13)
        throw UsageError(what + ": '" + text + "' is too long (at most 10000s)");
    return static_cast<std::int64_t>(std::llround(ns));
}

std::string format_duration(std::int64_t ns) {
    if (ns != 0 && ns % 1000000000 == 0) return std::to_string(ns / 1000000000) + "s";
    if (ns != 0 && ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
    if (ns != 0 && ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
    return std::to_string(ns) + "ns";
}

}  // namespace contend
