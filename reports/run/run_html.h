// The HTML report of `tlsmatrix run`: one self-contained page (inline CSS, no scripts, nothing
// fetched) with the status and counts, the scenario x mode x profile grid whose cells show what
// happened as a code (ok, HOST, CA?, ...; a mismatch also what was wanted, and links to its
// details) under a legend of the codes used, every mismatch with its detail, the portability
// notes and the notes. Everything is on the page as text, so a print or a screenshot shows it:
// tooltips only repeat it with the detail, and print CSS keeps the colours and unscrolls the grid.
#pragma once

#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

std::string render_html_report(const runner::RunResult& run);

}  // namespace tlsmatrix::reports
