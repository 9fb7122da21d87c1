// The --json form of `tlsmatrix validate`.
#pragma once

#include <string>
#include <vector>

#include "harness/validate/check_result.h"
#include "harness/validate/deployment.h"
#include "harness/validate/timeline.h"

namespace tlsmatrix::reports {

// {"tool","version","command":"validate","started","input":{...},"checks":[{"check","severity",
//  "file","message","fix","profiles"}],"notes":[...],"summary":{"ok","warnings","errors"},
//  "exit_code","duration_ms","at","timeline":{...}} (docs/report-formats.md)
std::string validate_json(const validate::DeploymentInput& input,
                          const std::vector<validate::Finding>& results,
                          const std::vector<std::string>& notes, int exit_code,
                          double duration_ms, const validate::Timeline& timeline = {},
                          bool at_given = false);

}  // namespace tlsmatrix::reports
