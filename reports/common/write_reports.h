// The one entry point the commands use for their report files (run: JSON, JUnit, Markdown,
// HTML; validate and probe: JSON, JUnit, Markdown; bench: JSON, HTML). The rules:
//  - every path is checked before the work starts (check_report_paths), so a typo, a missing or
//    read-only folder, or one file given for two reports costs no run;
//  - every report is rendered in full, then all are written or none (io::write_files): when one
//    cannot be written, the others keep their old content and no temporary file stays behind;
//  - a regular file is replaced atomically (a symlink is followed and kept); a FIFO, a device or
//    /dev/stdout is written to, never replaced;
//  - --markdown appends to an existing file, as GitHub's $GITHUB_STEP_SUMMARY expects.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
namespace tlsmatrix::reports {

// For the --help of every command with report flags (the rules above, for users).
inline constexpr const char* kReportFilesHelp =
    "Report files: every path is checked before the work starts, and the reports\n"
    "are written all or none, each to a temporary file renamed into place (a\n"
    "symlink is followed: its target is replaced, the link kept). A FIFO, a device\n"
    "or /dev/stdout is written to directly, never replaced. --markdown appends to\n"
    "an existing file, as GitHub's $GITHUB_STEP_SUMMARY expects. A report that\n"
    "cannot be written is exit 2, naming the file and the cause.";

struct ReportPaths {
  std::optional<std::filesystem::path> json = std::nullopt;
  std::optional<std::filesystem::path> junit = std::nullopt;
  std::optional<std::filesystem::path> markdown = std::nullopt;
  std::optional<std::filesystem::path> html = std::nullopt;
};

// From flag values, where an empty one means "not asked for".
ReportPaths report_paths_from(const std::string& json, const std::string& junit,
                              const std::string& markdown, const std::string& html);

// Each renders one report; called only for the paths given.
struct ReportRenderers {
  std::function<std::string()> json = {};
  std::function<std::string()> junit = {};
  std::function<std::string()> markdown = {};
  std::function<std::string()> html = {};
};

// Call before the work starts. Throws InputError("PATH: ...") when a path names a folder, its
// folder does not exist or cannot be written in, or two reports name the same file.
void check_report_paths(const ReportPaths& paths);

// Renders every requested report, then writes them all or none (see above). Throws InputError
// ("PATH: why") when one cannot be written.
void write_reports(const ReportPaths& paths, const ReportRenderers& render);

}  // namespace tlsmatrix::reports
