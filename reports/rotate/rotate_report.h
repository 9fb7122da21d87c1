// The forms of `tlsmatrix rotate`'s answer: the terminal text (the grid of mixes, the safe
// orders as numbered steps, each unsafe order's first breaking cell), --json, and the check
// report behind --junit and --markdown (one check per order).
#pragma once

#include <string>

#include <optional>
#include <vector>

#include "harness/handshake/handshake_cost.h"
#include "harness/rotate/rollout.h"
#include "reports/common/check_report.h"

namespace tlsmatrix::reports {

std::string rotate_text(const rotate::Rollout& rollout);

// {"tool","version","command":"rotate","from","to","at","modes","profiles","server_name",
//  "steps":[{"id","text"}],"mixes":[{"server","server_ca","client_trust","client_cert","ok",
//  "cells":[{"mode","profile","outcome","reason","detail"}]}],"orders":[{"steps":[ID],"safe",
//  "first_break":null|{"after_step","mix","mode","profile","reason","detail"}}],
//  "safe_in_any_order","any_safe","exit_code","duration_ms"} (docs/report-formats.md)
//  "cost":{"from":[COST],"to":[COST]}|null (one COST per mode, reports/bench/cost_report.h)
// What a handshake costs with the old and the new set, per mode (same order in both).
struct RotateCost {
  std::vector<handshake::CostComparison> from, to;
};
std::string rotate_json(const rotate::Rollout& rollout, int exit_code, double duration_ms,
                        const std::optional<RotateCost>& cost = std::nullopt);

// One check per order: safe orders pass; unsafe ones fail when no order is safe, and are
// warnings when another order is (the command exits 0 then).
CheckReport rotate_check_report(const rotate::Rollout& rollout, const std::string& started, double duration_ms);

}  // namespace tlsmatrix::reports
