// The handshake cost beside a verdict (harness/handshake/handshake_cost.h), as `validate`,
// `rotate` and `run --cost` print and write it: one shape everywhere.
#pragma once

#include <string>
#include <vector>

#include "harness/handshake/handshake_cost.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

// "  cost: mode 2 with your RSA-4096 set: 5.1 ms CPU per handshake (196/s per core),\n
//          3.2x what P-256 would cost (1.6 ms)\n": wrapped for an 80-column log, each line
// starting with `indent`.
std::string cost_lines(const handshake::CostComparison& c, const std::string& whose,
                       const std::string& indent = "  ");

// `run --cost`'s table: a heading, then one line per scenario and mode (name, mode, key, CPU per
// handshake, ratio to P-256, or why not measured), at most 80 columns.
std::string cost_table(const std::vector<handshake::NamedCost>& costs);

// {"mode","key","files":FIGURE,"p256":FIGURE,"ratio"} with FIGURE {"measured",
// "cpu_us_per_handshake","handshakes_per_s_per_core","handshakes","not_measured"}; figures not
// measured are null, and so is the ratio unless both were (docs/report-formats.md).
void write_cost_json(JsonWriter& w, const handshake::CostComparison& c);

}  // namespace tlsmatrix::reports
