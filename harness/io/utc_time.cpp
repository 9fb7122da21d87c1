#include "harness/io/utc_time.h"

#include <ctime>

namespace tlsmatrix::io {

std::string utc_text(std::chrono::sys_seconds t, const char* format) {
  const std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace tlsmatrix::io
