#include "reports/check_lists.h"

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

CheckReport probe_check_report(const probe::ProbeReport& report, std::string started,
                               double duration_ms, bool warnings_fail) {
  CheckReport out;
  out.command = "probe";
  out.title = "tlsmatrix probe " + report.endpoint;
  if (!report.address.empty() && report.endpoint.find(report.address) == std::string::npos) {
    out.title += " (" + report.address + ")";
  }
  out.title += report.inferred_mode ? ": tlsMode " + std::to_string(*report.inferred_mode) + ", " +
                                          probe::mode_description(*report.inferred_mode)
                                    : ": tlsMode not determined";
  out.started = std::move(started);
  out.duration_ms = duration_ms;
  out.warnings_fail = warnings_fail;
  for (const auto& c : report.checks) {
    CheckLine line;
    line.name = c.id + ": " + c.title;
    line.state = c.status == probe::CheckStatus::fail           ? CheckState::failed
                 : c.status == probe::CheckStatus::warn         ? CheckState::warning
                 : c.status == probe::CheckStatus::inconclusive ? CheckState::inconclusive
                                                                : CheckState::ok;
    line.message = c.reason ? std::string(to_string(*c.reason)) + ": " + c.detail : c.detail;
    line.fix = c.hint;
    out.checks.push_back(std::move(line));
  }
  return out;
}

}  // namespace tlsmatrix::reports
