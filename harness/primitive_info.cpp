#include "harness/primitive_info.hpp"

namespace contend {
namespace {

PromiseList promises(const PrimitiveInfo& p) {
    PromiseList out;
    if (p.blocking) out.emplace_back("blocking", true);
    if (p.spins) out.emplace_back("spins", true);
    if (p.lock_free) out.emplace_back("lock_free", true);
    if (p.promises)
        for (auto& entry : p.promises->declared()) out.push_back(std::move(entry));
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
        if (const auto* b = std::get_if<bool>(&value); b && !*b) out += "=false";
    }
    return out.empty() ? "-" : out;
}

}  // namespace contend
