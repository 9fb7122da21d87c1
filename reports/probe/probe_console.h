// The probe report as a person reads it in a terminal or a CI log: the mode, the TLS session,
// the chain, then each check with ✓ / ✗ / ! and a fix beneath. Text from the peer (names, SANs,
// error strings) is made single-line and control-free first; long lines wrap with an indent.
#pragma once

#include <string>

#include "harness/probe/probe.h"
#include "reports/common/console_options.h"

namespace tlsmatrix::reports {

std::string render_probe_console(const probe::ProbeReport& report, const ConsoleOptions& options);

}  // namespace tlsmatrix::reports
