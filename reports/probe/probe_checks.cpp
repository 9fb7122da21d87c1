#include "reports/probe/probe_checks.h"

#include <utility>

namespace tlsmatrix::reports {

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
  out.checks = report.checks;
  return out;
}

}  // namespace tlsmatrix::reports
