// The one entry point `tlsmatrix run` uses for its report files. Each requested file is rendered
// in full first and then written atomically (temporary file + rename), so a failure never leaves
// half a report behind.
#pragma once

#include <filesystem>
#include <optional>

#include "harness/runner/cell_result.h"

namespace tlsmatrix::reports {

struct ReportPaths {
  std::optional<std::filesystem::path> json = std::nullopt;
  std::optional<std::filesystem::path> junit = std::nullopt;
  std::optional<std::filesystem::path> markdown = std::nullopt;
  std::optional<std::filesystem::path> html = std::nullopt;
};

// Call before the run starts, so a typo in a report path costs no run: throws InputError
// ("PATH: ...") when a path names a folder or its parent folder does not exist.
void check_report_paths(const ReportPaths& paths);

// Renders every requested report, then writes them. Throws std::runtime_error naming the path
// when a write fails; files written before stay complete.
void write_reports(const RunResult& run, const ReportPaths& paths);

}  // namespace tlsmatrix::reports
