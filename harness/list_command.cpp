#include "harness/list_command.hpp"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "harness/params.hpp"
#include "harness/registry.hpp"

namespace contend {
namespace {

nlohmann::json primitive_json(const PrimitiveInfo& p) {
    return {{"name", p.name},
            {"family", p.family},
            {"description", p.description},
            {"promises", declared_promises(p)},
            {"control", p.control},
            {"test_only", p.test_only},
            {"size_bytes", p.size_bytes},
            {"align_bytes", p.align_bytes}};
}

nlohmann::json param_json(const ParamSpec& s) {
    nlohmann::json j{{"name", s.name},
                     {"type", s.type == ParamType::Integer ? "integer" : "choice"},
                     {"doc", s.doc},
                     {"range", s.range_text()},
                     {"presets", s.preset_values}};
    if (s.type == ParamType::Integer) {
        j["default"] = s.default_int;
        j["min"] = s.min;
        j["max"] = s.max;
        j["unit"] = s.unit;
    } else {
        j["default"] = s.default_choice;
        j["choices"] = s.choices;
    }
    return j;
}

}  // namespace

int list_command(const Registry& r, const std::vector<std::string>& args) {
    bool json = false, all = false;
    for (const auto& a : args) {
        if (a == "--json")
            json = true;
        else if (a == "--all")
            all = true;
        else
            throw UsageError("list: unknown argument '" + a + "' (allowed: --json, --all)");
    }
    auto shown = [&](const PrimitiveInfo& p) { return all || !p.control; };
    if (json) {
        nlohmann::json out{{"suites", nlohmann::json::array()}};
        for (const auto& suite : r.suites()) {
            nlohmann::json sj{
                {"name", suite.name}, {"doc", suite.doc}, {"scenarios", nlohmann::json::array()}};
            for (const auto& name : suite.scenarios) {
                const auto* s = r.scenario(name);
                nlohmann::json scj{{"name", s->name},
                                   {"doc", s->doc},
                                   {"params", nlohmann::json::array()},
                                   {"primitives", nlohmann::json::array()}};
                for (const auto& p : s->params) scj["params"].push_back(param_json(p));
                for (const auto& p : s->primitives)
                    if (shown(*r.primitive(p))) scj["primitives"].push_back(p);
                sj["scenarios"].push_back(scj);
            }
            out["suites"].push_back(sj);
        }
        out["primitives"] = nlohmann::json::array();
        for (const auto& p : r.primitives())
            if (shown(p)) out["primitives"].push_back(primitive_json(p));
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    for (const auto& suite : r.suites()) {
        std::printf("suite %s — %s\n", suite.name.c_str(), suite.doc.c_str());
        for (const auto& name : suite.scenarios) {
            const auto* s = r.scenario(name);
            std::printf("  %s — %s\n", s->name.c_str(), s->doc.c_str());
            for (const auto& p : s->params) {
                std::printf("      %-10s %-8s default %-6s range %-22s %s\n", p.name.c_str(),
                            p.type == ParamType::Integer ? "integer" : "choice",
                            p.default_text().c_str(), p.range_text().c_str(), p.doc.c_str());
                for (const auto& [preset, values] : p.preset_values)
                    std::printf("      %-10s --preset %s: %s\n", "", preset.c_str(),
                                values.c_str());
            }
            std::string prims;
            for (const auto& p : s->primitives)
                if (shown(*r.primitive(p))) prims += (prims.empty() ? "" : ", ") + p;
            std::printf("      primitives: %s\n", prims.c_str());
        }
    }
    std::printf("\nprimitives%s:\n", all ? " (controls included)" : " (controls hidden: --all)");
    std::printf("  %-20s %-9s %7s %5s  %s\n", "name", "family", "sizeof", "align",
                "description; declared promises");
    for (const auto& p : r.primitives()) {
        if (!shown(p)) continue;
        std::printf("  %-20s %-9s %7zu %5zu  %s\n  %-20s %-9s %7s %5s  [%s]\n", p.name.c_str(),
                    p.family.c_str(), p.size_bytes, p.align_bytes, p.description.c_str(), "", "",
                    "", "", promises_text(p).c_str());
    }
    return 0;
}

}  // namespace contend
