#include "reports/validate/validate_checks.h"

#include <utility>

namespace tlsmatrix::reports {

CheckReport validate_check_report(std::string title,
                                  const std::vector<validate::Finding>& results,
                                  const std::vector<std::string>& notes, std::string started,
                                  double duration_ms, bool warnings_fail) {
  CheckReport out;
  out.command = "validate";
  out.title = std::move(title);
  out.started = std::move(started);
  out.duration_ms = duration_ms;
  out.notes = notes;
  out.warnings_fail = warnings_fail;
  out.checks = results;
  return out;
}

}  // namespace tlsmatrix::reports
