#include "reports/common/console_options.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace tlsmatrix::reports {

namespace {
// COLUMNS when it holds a sensible width (shells export it; CI runners may set it), else 80:
// a log is read in an 80-column view unless it says otherwise.
std::size_t columns_from_env() {
  const char* columns = std::getenv("COLUMNS");
  if (columns == nullptr) return 80;
  char* end = nullptr;
  long n = std::strtol(columns, &end, 10);
  if (end == columns || *end != '\0' || n < 40 || n > 1000) return 80;
  return static_cast<std::size_t>(n);
}
}  // namespace

ConsoleOptions detect_console_options(int fd) {
  ConsoleOptions options;
  const char* term = std::getenv("TERM");
  const char* no_color = std::getenv("NO_COLOR");
  bool dumb = term != nullptr && std::string_view(term) == "dumb";
  bool tty = ::isatty(fd) == 1;
  options.color = tty && !dumb && (no_color == nullptr || *no_color == '\0');
  options.ascii = dumb;
  options.width = columns_from_env();
  struct winsize ws {};
  if (tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    options.width = std::max<std::size_t>(40, ws.ws_col);
  }
  return options;
}

}  // namespace tlsmatrix::reports
