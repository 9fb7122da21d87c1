// Times as UTC text: the one formatter behind report timestamps, certificate dates and log lines.
#pragma once

#include <chrono>
#include <string>

namespace tlsmatrix::io {

// `t` formatted with strftime's `format`, in UTC (never the machine's zone: reports from CI
// machines in different zones must agree). Whole seconds: system_clock's nanoseconds end in
// 2262, and certificates run to 9999 (RFC 5280's "no expiry" date).
std::string utc_text(std::chrono::sys_seconds t, const char* format);
template <typename Duration>
std::string utc_text(std::chrono::sys_time<Duration> t, const char* format) {
  return utc_text(std::chrono::floor<std::chrono::seconds>(t), format);
}

// 2026-11-23T07:22:04Z, the form every JSON report uses.
template <typename Duration>
std::string iso8601_utc(std::chrono::sys_time<Duration> t) {
  return utc_text(t, "%Y-%m-%dT%H:%M:%SZ");
}

// 2026-11-23 07:22:04 UTC, for people: certificate dates in messages and tables.
template <typename Duration>
std::string readable_utc(std::chrono::sys_time<Duration> t) {
  return utc_text(t, "%Y-%m-%d %H:%M:%S UTC");
}

}  // namespace tlsmatrix::io
