// The JSON report of `tlsmatrix run` (docs/report-formats.md, schema in docs/schema/):
// {"tool","version","started","cells":[{"scenario","mode","profile","expected":{"outcome",
// "reason"},"actual":{"outcome","reason","detail"},"match","duration_ms"}],"summary":{"cells",
// "matched","mismatched"}}, plus, additively, "file" in each cell and top-level "portability"
// ([{"scenario","mode","text"}]) and "notes" ([string]).
#pragma once

#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

std::string render_json_report(const runner::RunResult& run);

}  // namespace tlsmatrix::reports
