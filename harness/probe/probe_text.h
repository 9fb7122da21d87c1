// The probe report as a person reads it in a terminal or a CI log.
#pragma once

#include <string>

#include "harness/probe/probe.h"

namespace tlsmatrix::probe {

// `color` adds ANSI colours to the ✓/✗/! marks (for a terminal; off for logs and files).
std::string render_text(const ProbeReport& report, bool color);

}  // namespace tlsmatrix::probe
