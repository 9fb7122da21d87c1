// The JUnit and Markdown forms of a command that runs named checks (`validate`, `probe`), so a CI
// job gets the same kinds of files from them as from `run`: one testcase per check, and a table
// of the checks for $GITHUB_STEP_SUMMARY. reports/validate/validate_checks.h and
// reports/probe/probe_checks.h turn each command's results into this.
#pragma once

#include <string>
#include <vector>

#include "harness/findings/finding.h"

namespace tlsmatrix::reports {

// The --help of validate's and probe's --junit and --markdown.
inline constexpr const char* kCheckJunitHelp =
    "also write a JUnit XML report to this file: one testcase per check; failed checks (and "
    "warnings, with --fail-on-warning) are failures, warnings show in system-out";
inline constexpr const char* kCheckMarkdownHelp =
    "also append a Markdown summary with a table of the checks to this file (created if "
    "missing; appends, as GitHub's $GITHUB_STEP_SUMMARY expects)";

struct CheckReport {
  std::string command;  // "validate", "probe"
  std::string title;    // one line saying what was checked
  std::string started;  // ISO 8601 UTC; empty if unknown
  double duration_ms = 0;
  // Listed by findings::display_name, with findings::message_with_reason as the finding.
  std::vector<findings::Finding> checks;
  std::vector<std::string> notes;
  bool warnings_fail = false;  // --fail-on-warning: a warning fails the job like an error

  int failures() const;  // errors, plus warnings when they fail
};

// <testsuites name="tlsmatrix"><testsuite name="tlsmatrix COMMAND"> with a <testcase
// classname="tlsmatrix.COMMAND" name=NAME> per check. An error is <failure type="error">; a
// warning is <failure type="warning"> when warnings fail, otherwise a passing testcase whose
// <system-out> starts with "warning: ". An inconclusive check is an <error type="inconclusive">
// (the check could not run to a verdict). Every testcase's <system-out> holds message and fix.
std::string render_check_junit(const CheckReport& report);

// "## ✅/⚠️/❌ tlsmatrix COMMAND: ...", the title, a table with a row per check (result, check,
// finding, fix), then the notes.
std::string render_check_markdown(const CheckReport& report);

}  // namespace tlsmatrix::reports
