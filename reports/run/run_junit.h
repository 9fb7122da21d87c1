// The JUnit XML report of `tlsmatrix run`, in the shape GitHub Actions reporters, GitLab and
// Jenkins read: <testsuites name="tlsmatrix"> with one <testsuite> per scenario (file = the
// scenario file) and one <testcase name="mode 1 / grpc-core" classname=SCENARIO file=... time=...>
// per cell; a mismatch carries <failure message="one line" type="mismatch"> with the expected and
// actual verdicts and the detail in its body.
#pragma once

#include <string>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

std::string render_junit_report(const runner::RunResult& run);

}  // namespace tlsmatrix::reports
