#include "reports/common/check_report.h"

#include <sstream>

#include "reports/common/junit_xml.h"
#include "reports/common/markup_escape.h"

namespace tlsmatrix::reports {

namespace {

using findings::Severity;

bool fails(const CheckReport& r, const findings::Finding& c) {
  return c.severity == Severity::error || (r.warnings_fail && c.severity == Severity::warning);
}

std::string count(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string finding(const findings::Finding& c) {
  std::string text = findings::message_with_reason(c);
  if (!c.fix.empty()) text += "\nfix: " + c.fix;
  return text;
}

}  // namespace

int CheckReport::failures() const {
  const findings::Counts n = findings::count(checks);
  return n.errors + (warnings_fail ? n.warnings : 0);
}

std::string render_check_junit(const CheckReport& r) {
  const std::string suite = "tlsmatrix " + r.command;
  const std::string tests = std::to_string(r.checks.size());
  const std::string failures = std::to_string(r.failures());
  const std::string errors = std::to_string(findings::count(r.checks).inconclusive);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << xml_attr("name", "tlsmatrix") << xml_attr("tests", tests)
      << xml_attr("failures", failures) << xml_attr("errors", errors)
      << xml_attr("time", junit_seconds(r.duration_ms)) << ">\n";
  out << "  <testsuite" << xml_attr("name", suite) << xml_attr("tests", tests)
      << xml_attr("failures", failures) << xml_attr("errors", errors) << xml_attr("skipped", "0")
      << xml_attr("time", junit_seconds(r.duration_ms));
  if (!r.started.empty()) out << xml_attr("timestamp", r.started);
  out << ">\n";
  out << "    <properties>\n      <property" << xml_attr("name", "checked")
      << xml_attr("value", one_line(r.title)) << "/>\n    </properties>\n";
  for (const auto& c : r.checks) {
    out << "    <testcase" << xml_attr("name", one_line(findings::display_name(c)))
        << xml_attr("classname", "tlsmatrix." + r.command) << xml_attr("time", "0") << ">\n";
    if (c.severity == Severity::inconclusive) {
      out << "      <error" << xml_attr("message", one_line(findings::message_with_reason(c))) << xml_attr("type", "inconclusive")
          << ">" << escape_xml_text(finding(c)) << "</error>\n";
    } else if (fails(r, c)) {
      const char* type = c.severity == Severity::error ? "error" : "warning";
      out << "      <failure" << xml_attr("message", one_line(findings::message_with_reason(c))) << xml_attr("type", type)
          << ">" << escape_xml_text(finding(c)) << "</failure>\n";
    }
    const char* prefix = c.severity == Severity::ok             ? "ok: "
                         : c.severity == Severity::warning      ? "warning: "
                         : c.severity == Severity::inconclusive ? "inconclusive: "
                                                               : "error: ";
    out << "      <system-out>" << escape_xml_text(prefix + finding(c)) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

std::string render_check_markdown(const CheckReport& r) {
  const findings::Counts n = findings::count(r.checks);
  const int errors = n.errors;
  const int warnings = n.warnings;
  const int unsettled = n.inconclusive;
  const int ok = n.ok;
  std::ostringstream out;
  out << "## ";
  if (r.failures() > 0) {
    out << "❌ tlsmatrix " << r.command << ": failed";
  } else if (unsettled > 0) {
    out << "❔ tlsmatrix " << r.command << ": inconclusive";
  } else if (warnings > 0) {
    out << "⚠️ tlsmatrix " << r.command << ": passed with " << count(warnings, "warning", "warnings");
  } else {
    out << "✅ tlsmatrix " << r.command << ": passed";
  }
  out << "\n\n" << escape_markdown(r.title) << "  \n"
      << count(ok, "ok", "ok") << ", " << count(warnings, "warning", "warnings") << ", "
      << count(errors, "error", "errors")
      << (unsettled > 0 ? ", " + count(unsettled, "inconclusive", "inconclusive") : std::string())
      << (r.warnings_fail && warnings > 0 ? " (warnings fail: --fail-on-warning)" : "") << "\n\n";
  out << "| result | check | finding | fix |\n| --- | --- | --- | --- |\n";
  for (const auto& c : r.checks) {
    const char* mark = c.severity == Severity::ok             ? "✅ ok"
                       : c.severity == Severity::error       ? "❌ error"
                       : c.severity == Severity::inconclusive ? "❔ inconclusive"
                       : fails(r, c)                   ? "❌ warning"
                                                       : "⚠️ warning";
    out << "| " << mark << " | " << escape_markdown(findings::display_name(c)) << " | " << escape_markdown(findings::message_with_reason(c))
        << " | " << escape_markdown(c.fix) << " |\n";
  }
  out << "\n";
  out << markdown_notes(r.notes);
  return out.str();
}

}  // namespace tlsmatrix::reports
