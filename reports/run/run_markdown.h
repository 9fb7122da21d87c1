// The Markdown report of `tlsmatrix run`, meant for $GITHUB_STEP_SUMMARY: a status heading, the
// counts per mode and profile, every cell's code (ok, HOST, CA?, ...) with a legend (in a
// <details> block, open when something mismatched), a table of mismatches and the portability
// notes. Text from
// scenario files and peers is escaped so it cannot break the tables or inject HTML.
#pragma once

#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

std::string render_markdown_report(const runner::RunResult& run);

}  // namespace tlsmatrix::reports
