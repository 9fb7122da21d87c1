// The terminal form of a validation report: one line per result with a mark (✓ ok, ! warning,
// ✗ error), the file and the message, the fix on the next line, then a summary line.
#pragma once

#include <string>
#include <vector>

#include "harness/validate/check_result.h"

namespace tlsmatrix::reports {

std::string validate_text(const std::vector<findings::Finding>& results);
// "validate: 12 ok, 1 warning, 0 errors: passed"
std::string validate_summary_line(const findings::Counts& s);

}  // namespace tlsmatrix::reports
