#include "reports/write_reports.h"

#include <string>
#include <utility>
#include <vector>

#include "harness/io/file_io.h"
#include "reports/html_writer.h"
#include "reports/json_writer.h"
#include "reports/junit_writer.h"
#include "reports/markdown_writer.h"

namespace tlsmatrix::reports {

namespace fs = std::filesystem;

namespace {
void check_one(const std::optional<fs::path>& path) {
  if (path) io::check_output_file(*path);
}
}  // namespace

void check_report_paths(const ReportPaths& paths) {
  check_one(paths.json);
  check_one(paths.junit);
  check_one(paths.markdown);
  check_one(paths.html);
}

void write_reports(const RunResult& run, const ReportPaths& paths) {
  std::vector<std::pair<fs::path, std::string>> files;
  if (paths.json) files.emplace_back(*paths.json, render_json_report(run));
  if (paths.junit) files.emplace_back(*paths.junit, render_junit_report(run));
  if (paths.markdown) files.emplace_back(*paths.markdown, render_markdown_report(run));
  if (paths.html) files.emplace_back(*paths.html, render_html_report(run));
  for (const auto& [path, content] : files) io::write_file_atomic(path, content);
}

}  // namespace tlsmatrix::reports
