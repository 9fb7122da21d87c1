// `tlsmatrix run`'s report files (--json, --junit, --markdown, --html), written by the rules of
// reports/common/write_reports.h.
#pragma once

#include "harness/runner/cell_result.h"
#include "reports/common/write_reports.h"

namespace tlsmatrix::reports {

void write_reports(const runner::RunResult& run, const ReportPaths& paths);

}  // namespace tlsmatrix::reports
