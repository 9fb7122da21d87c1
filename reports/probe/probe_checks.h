// probe's results as a CheckReport (reports/common/check_report.h), for --junit and --markdown.
#pragma once

#include <string>

#include "harness/probe/probe.h"
#include "reports/common/check_report.h"

namespace tlsmatrix::reports {

// A check's name is its id and title, e.g. "rejects_plaintext: a plaintext client is turned away".
CheckReport probe_check_report(const probe::ProbeReport& report, std::string started,
                               double duration_ms, bool warnings_fail);

}  // namespace tlsmatrix::reports
