#include "reports/validate/validate_checks.h"

#include <utility>

namespace tlsmatrix::reports {

CheckReport validate_check_report(std::string title,
                                  const std::vector<validate::CheckResult>& results,
                                  const std::vector<std::string>& notes, std::string started,
                                  double duration_ms, bool warnings_fail) {
  CheckReport out;
  out.command = "validate";
  out.title = std::move(title);
  out.started = std::move(started);
  out.duration_ms = duration_ms;
  out.notes = notes;
  out.warnings_fail = warnings_fail;
  for (const auto& r : results) {
    CheckLine line;
    line.name = r.check;
    if (!r.file.empty()) line.name += " (" + r.file + ")";
    if (!r.profiles.empty()) {
      line.name += " [";
      for (std::size_t i = 0; i < r.profiles.size(); ++i) line.name += (i ? "," : "") + r.profiles[i];
      line.name += "]";
    }
    line.state = r.severity == validate::Severity::error     ? CheckState::failed
                 : r.severity == validate::Severity::warning ? CheckState::warning
                                                             : CheckState::ok;
    line.message = r.message;
    line.fix = r.fix;
    out.checks.push_back(std::move(line));
  }
  return out;
}

}  // namespace tlsmatrix::reports
