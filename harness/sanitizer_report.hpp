#pragma once
// In a sanitizer build (CONTEND_SANITIZE), what AddressSanitizer,
// UndefinedBehaviorSanitizer or ThreadSanitizer found in a stress trial's
// child: the child sends the runtime's report to a file instead of stderr,
// and the parent reads it back as the failure's detail and stacks (detector
// `sanitizer`). In other builds both calls do nothing.
#include <string>

namespace contend {

// In the child, before the trial: reports go to `<prefix>.<pid>`.
void send_sanitizer_reports_to(const std::string& prefix);

struct SanitizerReport {
    std::string summary;  // one line, e.g. "ThreadSanitizer: data race ..."; empty: no report
    std::string text;     // the whole report
};

// In the parent, after the child ended: the report it wrote, if any (the
// files are removed).
SanitizerReport take_sanitizer_report(const std::string& prefix);

}  // namespace contend
