// The --json form of `tlsmatrix validate`.
#pragma once

#include <string>
#include <vector>

#include "harness/handshake/handshake_cost.h"
#include "harness/validate/check_result.h"
#include "harness/validate/deployment.h"
#include "harness/validate/timeline.h"

namespace tlsmatrix::reports {

// {"tool","version","command":"validate","started","input":{...},"checks":[{"check","severity",
//  "file","message","fix","profiles"}],"notes":[...],"summary":{"ok","warnings","errors"},
//  "exit_code","duration_ms","at","timeline":{...},"cost":[...] or null} (docs/report-formats.md)
// `cost`: one entry per mode judged (none in a plaintext mode); nullopt (--no-cost) writes null.
std::string validate_json(const validate::DeploymentInput& input,
                          const std::vector<validate::Finding>& results,
                          const std::vector<std::string>& notes, int exit_code,
                          double duration_ms, const validate::Timeline& timeline = {},
                          bool at_given = false,
                          const std::optional<std::vector<handshake::CostComparison>>& cost = std::nullopt);

}  // namespace tlsmatrix::reports
