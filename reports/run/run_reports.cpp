#include "reports/run/run_reports.h"

#include "reports/run/run_html.h"
#include "reports/run/run_json.h"
#include "reports/run/run_junit.h"
#include "reports/run/run_markdown.h"

namespace tlsmatrix::reports {

void write_reports(const runner::RunResult& run, const ReportPaths& paths) {
  write_reports(paths, {.json = [&] { return render_json_report(run); },
                        .junit = [&] { return render_junit_report(run); },
                        .markdown = [&] { return render_markdown_report(run); },
                        .html = [&] { return render_html_report(run); }});
}

}  // namespace tlsmatrix::reports
