#include "harness/cpu_model.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace contend {
namespace {

struct Named {
    unsigned id;
    const char* name;
};

// Implementer codes and part numbers from the vendors' technical reference
// manuals (MIDR_EL1). Parts not listed are printed by number.
constexpr Named kImplementers[] = {
    {0x41, "ARM"},       {0x42, "Broadcom"},  {0x43, "Cavium"}, {0x46, "Fujitsu"},
    {0x48, "HiSilicon"}, {0x4e, "NVIDIA"},    {0x50, "APM"},    {0x51, "Qualcomm"},
    {0x61, "Apple"},     {0x6d, "Microsoft"}, {0xc0, "Ampere"},
};

struct Part {
    unsigned implementer, part;
    const char* name;
};
constexpr Part kParts[] = {
    {0x41, 0xd03, "Cortex-A53"},  {0x41, 0xd04, "Cortex-A35"},  {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd07, "Cortex-A57"},  {0x41, 0xd08, "Cortex-A72"},  {0x41, 0xd09, "Cortex-A73"},
    {0x41, 0xd0a, "Cortex-A75"},  {0x41, 0xd0b, "Cortex-A76"},  {0x41, 0xd0c, "Neoverse-N1"},
    {0x41, 0xd0d, "Cortex-A77"},  {0x41, 0xd40, "Neoverse-V1"}, {0x41, 0xd41, "Cortex-A78"},
    {0x41, 0xd44, "Cortex-X1"},   {0x41, 0xd46, "Cortex-A510"}, {0x41, 0xd47, "Cortex-A710"},
    {0x41, 0xd48, "Cortex-X2"},   {0x41, 0xd49, "Neoverse-N2"}, {0x41, 0xd4a, "Neoverse-E1"},
    {0x41, 0xd4f, "Neoverse-V2"}, {0x41, 0xd84, "Neoverse-V3"}, {0x41, 0xd8e, "Neoverse-N3"},
    {0x43, 0x0af, "ThunderX2"},   {0x46, 0x001, "A64FX"},       {0x48, 0xd01, "Kunpeng-920"},
    {0x4e, 0x004, "Carmel"},      {0xc0, 0xac3, "AmpereOne"},   {0xc0, 0xac4, "AmpereOne AC04"},
};

std::string hex(unsigned v, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*x", digits, v);
    return buf;
}

// The value after the colon of a "key<tabs>: value" line, or "" when the
// line is another key's.
std::string field(const std::string& line, const char* key) {
    if (line.rfind(key, 0) != 0) return "";
    const auto colon = line.find(':');
    if (colon == std::string::npos) return "";
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
}

unsigned number(const std::string& s) {
    return static_cast<unsigned>(std::strtoul(s.c_str(), nullptr, 0));
}

}  // namespace

std::string cpuinfo_value(const std::string& cpuinfo, const char* key) {
    std::istringstream in(cpuinfo);
    std::string line;
    while (std::getline(in, line))
        if (auto v = field(line, key); !v.empty()) return v;
    return "";
}

std::string arm_core_name(unsigned implementer, unsigned part) {
    for (const auto& p : kParts)
        if (p.implementer == implementer && p.part == part) {
            for (const auto& i : kImplementers)
                if (i.id == implementer) return std::string(i.name) + " " + p.name;
        }
    for (const auto& i : kImplementers)
        if (i.id == implementer) return std::string(i.name) + " part " + hex(part, 3);
    return "implementer " + hex(implementer, 2) + " part " + hex(part, 3);
}

std::string cpu_model_from_cpuinfo(const std::string& cpuinfo) {
    std::istringstream in(cpuinfo);
    std::string line, implementer, variant, part, revision;
    std::vector<std::string> cores;
    // One processor block ends where the next begins; each arm64 block has
    // the four MIDR lines, in this order, with "CPU part" before "revision".
    auto flush = [&] {
        if (implementer.empty() || part.empty()) return;
        const unsigned imp = number(implementer), prt = number(part);
        std::string name = arm_core_name(imp, prt) + " r" + std::to_string(number(variant)) + "p" +
                           std::to_string(number(revision)) + " (MIDR implementer " + hex(imp, 2) +
                           " part " + hex(prt, 3) + ")";
        bool seen = false;
        for (const auto& c : cores) seen |= c == name;
        if (!seen) cores.push_back(name);
        implementer = variant = part = revision = "";
    };
    while (std::getline(in, line)) {
        if (auto v = field(line, "model name"); !v.empty()) return v;
        if (line.rfind("processor", 0) == 0) flush();
        if (auto v = field(line, "CPU implementer"); !v.empty()) implementer = v;
        if (auto v = field(line, "CPU variant"); !v.empty()) variant = v;
        if (auto v = field(line, "CPU part"); !v.empty()) part = v;
        if (auto v = field(line, "CPU revision"); !v.empty()) revision = v;
    }
    flush();
    std::string out;
    for (const auto& c : cores) out += (out.empty() ? "" : " + ") + c;
    return out;
}

}  // namespace contend
