// Times as UTC text: the one formatter behind report timestamps, certificate dates and log lines.
#pragma once

#include <chrono>
#include <string>

namespace tlsmatrix {

// `t` formatted with strftime's `format`, in UTC (never the machine's zone: reports from CI
// machines in different zones must agree).
std::string utc_text(std::chrono::system_clock::time_point t, const char* format);

// 2026-11-23T07:22:04Z, the form every JSON report uses.
inline std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  return utc_text(t, "%Y-%m-%dT%H:%M:%SZ");
}

// 2026-11-23 07:22:04 UTC, for people: certificate dates in messages and tables.
inline std::string readable_utc(std::chrono::system_clock::time_point t) {
  return utc_text(t, "%Y-%m-%d %H:%M:%S UTC");
}

}  // namespace tlsmatrix
