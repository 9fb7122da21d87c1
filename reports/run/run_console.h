// The terminal report of `tlsmatrix run`: a scenario x mode x profile grid whose every cell says
// what happened (a short code: ok, HOST, CA?, ...) and, with ✗, that it was not as expected; a
// legend of the codes used; every mismatch on its own BoGo-style line ("wrong failure: want X,
// got Y") with the detail beneath; portability notes, notes and the summary. Everything taken from scenario files or peers is made single-line and
// control-free first, so no name or server message can move the cursor or recolour the terminal.
#pragma once

#include <ostream>
#include <string>

#include "harness/runner/cell_result.h"
#include "reports/common/console_options.h"

namespace tlsmatrix::reports {

std::string render_console_report(const runner::RunResult& run, const ConsoleOptions& options);

inline void print_console_report(std::ostream& out, const runner::RunResult& run,
                                 const ConsoleOptions& options) {
  out << render_console_report(run, options);
}

}  // namespace tlsmatrix::reports
