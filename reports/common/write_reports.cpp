#include "reports/common/write_reports.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/output_target.h"

namespace tlsmatrix::reports {

namespace fs = std::filesystem;

namespace {

struct Requested {
  const char* flag;
  fs::path path;
  io::WriteMode mode;
  std::function<std::string()> ReportRenderers::*render;
};

std::vector<Requested> requested(const ReportPaths& paths) {
  using io::WriteMode;
  std::vector<Requested> out;
  if (paths.json) out.push_back({"--json", *paths.json, io::WriteMode::replace, &ReportRenderers::json});
  if (paths.junit) {
    out.push_back({"--junit", *paths.junit, io::WriteMode::replace, &ReportRenderers::junit});
  }
  if (paths.markdown) {
    out.push_back({"--markdown", *paths.markdown, io::WriteMode::append, &ReportRenderers::markdown});
  }
  if (paths.html) out.push_back({"--html", *paths.html, io::WriteMode::replace, &ReportRenderers::html});
  return out;
}

}  // namespace

ReportPaths report_paths_from(const std::string& json, const std::string& junit,
                              const std::string& markdown, const std::string& html) {
  const auto given = [](const std::string& s) -> std::optional<fs::path> {
    if (s.empty()) return std::nullopt;
    return fs::path(s);
  };
  return {given(json), given(junit), given(markdown), given(html)};
}

void check_report_paths(const ReportPaths& paths) {
  const std::vector<Requested> all = requested(paths);
  std::vector<std::pair<const Requested*, io::OutputTarget>> files;
  for (const auto& r : all) {
    io::OutputTarget t = io::check_output(r.path, r.mode == io::WriteMode::append);
    // Two reports in one file would leave only the last; a device or a descriptor (/dev/stdout
    // for two reports) takes both, one after the other.
    if (t.kind == io::OutputTarget::Kind::new_file || t.kind == io::OutputTarget::Kind::regular) {
      for (const auto& [other, seen] : files) {
        if (seen.real == t.real) {
          throw io::InputError(r.path.string() + ": given for both " + other->flag + " and " +
                           r.flag + "; give each report its own file");
        }
      }
      files.emplace_back(&r, std::move(t));
    }
  }
}

void write_reports(const ReportPaths& paths, const ReportRenderers& render) {
  check_report_paths(paths);
  std::vector<io::OutputFile> files;
  for (const auto& r : requested(paths)) {
    const auto& fn = render.*r.render;
    if (!fn) throw std::logic_error(std::string("write_reports: no renderer for ") + r.flag);
    io::OutputFile f;
    f.path = r.path;
    f.content = fn();
    f.mode = r.mode;
    files.push_back(std::move(f));
  }
  io::write_files(files);
}

}  // namespace tlsmatrix::reports
