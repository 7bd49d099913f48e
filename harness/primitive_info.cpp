#include "harness/primitive_info.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace contend {
namespace {

using PromiseValue = std::variant<bool, std::size_t, std::string>;

// The declared promises that are set, in a fixed order.
std::vector<std::pair<const char*, PromiseValue>> promises(const PrimitiveInfo& p) {
    std::vector<std::pair<const char*, PromiseValue>> out;
    auto flag = [&](const char* key, bool v) {
        if (v) out.emplace_back(key, true);
    };
    auto number = [&](const char* key, std::size_t v) {
        if (v) out.emplace_back(key, v);
    };
    auto text = [&](const char* key, const std::string& v) {
        if (!v.empty()) out.emplace_back(key, v);
    };
    flag("fair", p.fair);
    flag("blocking", p.blocking);
    flag("spins", p.spins);
    number("max_threads", static_cast<std::size_t>(p.max_threads > 0 ? p.max_threads : 0));
    flag("bounded", p.bounded);
    flag("lock_free", p.lock_free);
    text("ordering", p.ordering);
    text("shapes", p.shapes);
    number("max_message_bytes", p.max_message_bytes);
    number("max_capacity", p.max_capacity);
    return out;
}

}  // namespace

nlohmann::json declared_promises(const PrimitiveInfo& p) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, value] : promises(p))
        std::visit([&, key = key](const auto& v) { j[key] = v; }, value);
    return j;
}

std::string promises_text(const PrimitiveInfo& p) {
    std::string out;
    for (const auto& [key, value] : promises(p)) {
        if (!out.empty()) out += ", ";
        out += key;
        // Appended piecewise: `"=" + std::to_string(n)` trips g++ 12's
        // -Wstringop-overflow false positive at -O3.
        if (const auto* n = std::get_if<std::size_t>(&value)) {
            out += '=';
            out += std::to_string(*n);
        }
        if (const auto* s = std::get_if<std::string>(&value)) {
            out += '=';
            out += *s;
        }
    }
    return out.empty() ? "-" : out;
}

}  // namespace contend
