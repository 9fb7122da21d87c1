// The terminal report of `tlsmatrix run`: a scenario x mode table with a mark per cell, every
// mismatch on its own BoGo-style line with the detail beneath, portability notes, notes and the
// one-line summary. Everything taken from scenario files or peers is made single-line and
// control-free first, so no name or server message can move the cursor or recolour the terminal.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

struct ConsoleOptions {
  bool color = false;        // ANSI colours for marks, headings and the summary
  bool ascii = false;        // "ok" / "XX" / "..." instead of ✓ / ✗ / … (dumb terminals)
  std::size_t width = 100;   // columns the table tries to fit; long scenario names are cut
};

// Colour when `fd` is a terminal, NO_COLOR is unset or empty and TERM is not "dumb"; ASCII marks
// when TERM is "dumb"; the terminal's width when it has one (at least 60), else 100.
ConsoleOptions detect_console_options(int fd);

std::string render_console_report(const RunResult& run, const ConsoleOptions& options);

inline void print_console_report(std::ostream& out, const RunResult& run,
                                 const ConsoleOptions& options) {
  out << render_console_report(run, options);
}

}  // namespace tlsmatrix::reports
