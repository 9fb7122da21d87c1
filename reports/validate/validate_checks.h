// validate's results as a CheckReport (reports/common/check_report.h), for --junit and --markdown.
#pragma once

#include <string>
#include <vector>

#include "harness/validate/check_result.h"
#include "reports/common/check_report.h"

namespace tlsmatrix::reports {

// `title`: the header line validate prints ("tlsmatrix validate: tlsMode 2 (from ...), ...").
CheckReport validate_check_report(std::string title,
                                  const std::vector<validate::Finding>& results,
                                  const std::vector<std::string>& notes, std::string started,
                                  double duration_ms, bool warnings_fail);

}  // namespace tlsmatrix::reports
