// The probe report as JSON (`tlsmatrix probe --json F`): the inferred mode, the chain, each check.
#pragma once

#include <string>

#include "harness/probe/probe.h"

namespace tlsmatrix::reports {

std::string probe_json(const probe::ProbeReport& report);

}  // namespace tlsmatrix::reports
