// The HTML report of `tlsmatrix run`: one self-contained page (inline CSS, no scripts, nothing
// fetched) with the status and counts, the scenario x mode x profile grid whose cells carry the
// expected and actual verdicts and the detail in tooltips, every mismatch with its detail, the
// portability notes and the notes.
#pragma once

#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

std::string render_html_report(const RunResult& run);

}  // namespace tlsmatrix::reports
