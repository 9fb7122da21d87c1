#include "reports/run/run_junit.h"

#include <sstream>

#include "reports/common/junit_xml.h"
#include "reports/common/markup_escape.h"
#include "reports/common/text_util.h"
#include "reports/run/grid.h"

namespace tlsmatrix::reports {

namespace {
// Short local names for the shared JUnit pieces (junit_xml.h).
std::string seconds(double ms) { return junit_seconds(ms); }
std::string attr(std::string_view name, std::string_view value) { return xml_attr(name, value); }

std::string failure_body(const runner::CellResult& cell) {
  std::string body = "expected: " + describe(cell.expected) + "\nactual:   " + describe(cell.actual);
  if (!cell.summary.empty()) body += "\nscenario: " + cell.summary;
  if (!cell.detail.empty()) body += "\n\n" + cell.detail;
  return body;
}
}  // namespace

std::string render_junit_report(const runner::RunResult& run) {
  Grid grid(run);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << attr("name", run.tool) << attr("tests", std::to_string(run.cells.size()))
      << attr("failures", std::to_string(run.mismatched() - run.harness_errors()))
      << attr("errors", std::to_string(run.harness_errors()))
      << attr("time", seconds(run.wall_ms)) << ">\n";
  for (const auto& row : grid.rows()) {
    std::vector<const runner::CellResult*> cells;
    int failures = 0, errors = 0;
    double ms = 0;
    for (const auto& cell : run.cells) {
      if (cell.scenario != row.scenario) continue;
      cells.push_back(&cell);
      errors += cell.harness_error.empty() ? 0 : 1;
      failures += cell.match || !cell.harness_error.empty() ? 0 : 1;
      ms += cell.duration_ms;
    }
    out << "  <testsuite" << attr("name", row.scenario)
        << attr("tests", std::to_string(cells.size())) << attr("failures", std::to_string(failures))
        << attr("errors", std::to_string(errors)) << attr("skipped", "0") << attr("time", seconds(ms));
    if (!run.started.empty()) out << attr("timestamp", run.started);
    out << attr("file", row.file) << ">\n";
    for (const runner::CellResult* cell : cells) {
      out << "    <testcase"
          << attr("name", "mode " + std::to_string(cell->mode) + " / " + profile_and_server(*cell))
          << attr("classname", cell->scenario) << attr("file", cell->scenario_file)
          << attr("time", seconds(cell->duration_ms));
      if (cell->match) {
        out << "/>\n";
        continue;
      }
      // JUnit's <error>: the test could not run, as opposed to a <failure> of what it checks.
      const char* element = cell->harness_error.empty() ? "failure" : "error";
      out << ">\n      <" << element << attr("message", one_line(cell->mismatch_text()))
          << attr("type", cell->harness_error.empty() ? "mismatch" : "harness_error") << ">"
          << escape_xml_text(failure_body(*cell)) << "</" << element << ">\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace tlsmatrix::reports
