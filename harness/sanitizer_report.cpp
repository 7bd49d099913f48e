#include "harness/sanitizer_report.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define CONTEND_SANITIZER_RUNTIME 1
#endif

namespace contend {

void send_sanitizer_reports_to(const std::string& prefix) {
#if defined(CONTEND_SANITIZER_RUNTIME)
    __sanitizer_set_report_path(prefix.c_str());  // the runtime keeps a copy
#else
    (void)prefix;
#endif
}

namespace {

// The line that names the finding: the runtime's SUMMARY line (without its
// "SUMMARY: " tag), else the first line that is not a rule of '='.
std::string summary_of(const std::string& text) {
    std::istringstream in(text);
    std::string line, first;
    while (std::getline(in, line)) {
        if (line.rfind("SUMMARY: ", 0) == 0) return line.substr(9);
        if (first.empty() && !line.empty() && line.find_first_not_of('=') != std::string::npos)
            first = line;
    }
    return first;
}

}  // namespace

SanitizerReport take_sanitizer_report(const std::string& prefix) {
    namespace fs = std::filesystem;
    SanitizerReport r;
    const fs::path p(prefix);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(p.parent_path(), ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(p.filename().string() + ".", 0) != 0) continue;
        std::ifstream in(entry.path());
        std::stringstream s;
        s << in.rdbuf();
        r.text += s.str();
        fs::remove(entry.path(), ec);
    }
    if (!r.text.empty()) r.summary = summary_of(r.text);
    if (!r.text.empty() && r.summary.empty()) r.summary = "the sanitizer reported an error";
    return r;
}

}  // namespace contend
