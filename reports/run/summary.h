// The one-line summary every report format shares, so the terminal, Markdown and HTML agree.
#pragma once

#include <string>
#include <vector>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

// "90 cells: 90 matched, 0 mismatched (31 scenarios, modes 0,1,2, profiles grpc-core) in 2.1 s"
std::string summary_line(const runner::RunResult& run);

// `run --real-clients`: one line per client stack (ran on N cells with M disagreements, or
// skipped and why), then one per disagreeing cell. Empty when the real clients did not run.
std::vector<std::string> real_clients_lines(const runner::RunResult& run);

}  // namespace tlsmatrix::reports
