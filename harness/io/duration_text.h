// Waits as people read them in messages: "5 s", "0.5 s", "1.25 s" (probe output, resolve errors).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace tlsmatrix::io {

inline std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

}  // namespace tlsmatrix::io
