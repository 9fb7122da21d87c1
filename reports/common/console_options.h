// How a terminal report is drawn (run's grid, probe's checks): colour, ASCII marks, width, from
// the terminal, NO_COLOR, TERM and $COLUMNS.
#pragma once

#include <cstddef>

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

}  // namespace tlsmatrix::reports
