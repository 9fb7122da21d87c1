#include "reports/validate/validate_text.h"

namespace tlsmatrix::reports {

namespace {

using findings::Finding;
using findings::Severity;

const char* mark(Severity s) {
  switch (s) {
    case Severity::ok: return "✓";
    case Severity::warning: return "!";
    case Severity::error: return "✗";
    case Severity::inconclusive: return "?";
  }
  return "?";
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string validate_text(const std::vector<Finding>& results) {
  std::string out;
  for (const auto& r : results) {
    out += "  ";
    out += mark(r.severity);
    out += " ";
    if (!r.profiles.empty()) out += "[" + findings::profile_list(r) + "] ";
    if (!r.file.empty()) out += r.file + ": ";
    out += r.message;
    out += "\n";
    if (!r.fix.empty()) out += "      fix: " + r.fix + "\n";
  }
  return out;
}

std::string validate_summary_line(const findings::Counts& s) {
  return "validate: " + plural(s.ok, "ok", "ok") + ", " + plural(s.warnings, "warning", "warnings") +
         ", " + plural(s.errors, "error", "errors") + ": " +
         (s.errors > 0 ? "FAILED" : (s.warnings > 0 ? "passed with warnings" : "passed"));
}

}  // namespace tlsmatrix::reports
