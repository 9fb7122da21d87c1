// The terminal report of `tlsmatrix run`: a scenario x mode x profile grid whose every cell says
// what happened (a short code: ok, HOST, CA?, ...) and, with ✗, that it was not as expected; a
// legend of the codes used; every mismatch on its own BoGo-style line ("wrong failure: want X,
// got Y") with the detail beneath; portability notes, notes and the summary. Everything taken from scenario files or peers is made single-line and
// control-free first, so no name or server message can move the cursor or recolour the terminal.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

struct ConsoleOptions {
  bool color = false;        // ANSI colours for marks, headings and the summary
  bool ascii = false;        // "!" / "XX" / "..." instead of ✗ / … (dumb terminals)
  // Columns everything but the mismatch lines fits (those stay whole for grep): long scenario
  // names are cut, and a grid too wide even so is printed one mode at a time.
  std::size_t width = 80;
};

// Colour when `fd` is a terminal, NO_COLOR is unset or empty and TERM is not "dumb"; ASCII marks
// when TERM is "dumb"; the terminal's width when it has one (at least 40), else $COLUMNS when it
// is a number from 40 to 1000, else 80 (a CI log).
ConsoleOptions detect_console_options(int fd);

std::string render_console_report(const RunResult& run, const ConsoleOptions& options);

inline void print_console_report(std::ostream& out, const RunResult& run,
                                 const ConsoleOptions& options) {
  out << render_console_report(run, options);
}

}  // namespace tlsmatrix::reports
