#include "reports/common/check_report.h"

#include <sstream>

#include "reports/common/junit_xml.h"
#include "reports/common/markup_escape.h"

namespace tlsmatrix::reports {

namespace {

bool fails(const CheckReport& r, const CheckLine& c) {
  return c.state == CheckState::failed || (r.warnings_fail && c.state == CheckState::warning);
}

std::string count(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string finding(const CheckLine& c) {
  std::string text = c.message;
  if (!c.fix.empty()) text += "\nfix: " + c.fix;
  return text;
}

}  // namespace

int CheckReport::errors() const {
  int n = 0;
  for (const auto& c : checks) n += c.state == CheckState::failed ? 1 : 0;
  return n;
}

int CheckReport::warnings() const {
  int n = 0;
  for (const auto& c : checks) n += c.state == CheckState::warning ? 1 : 0;
  return n;
}

int CheckReport::inconclusive() const {
  int n = 0;
  for (const auto& c : checks) n += c.state == CheckState::inconclusive ? 1 : 0;
  return n;
}

int CheckReport::failures() const { return errors() + (warnings_fail ? warnings() : 0); }

std::string render_check_junit(const CheckReport& r) {
  const std::string suite = "tlsmatrix " + r.command;
  const std::string tests = std::to_string(r.checks.size());
  const std::string failures = std::to_string(r.failures());
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << xml_attr("name", "tlsmatrix") << xml_attr("tests", tests)
      << xml_attr("failures", failures) << xml_attr("errors", std::to_string(r.inconclusive()))
      << xml_attr("time", junit_seconds(r.duration_ms)) << ">\n";
  out << "  <testsuite" << xml_attr("name", suite) << xml_attr("tests", tests)
      << xml_attr("failures", failures) << xml_attr("errors", std::to_string(r.inconclusive())) << xml_attr("skipped", "0")
      << xml_attr("time", junit_seconds(r.duration_ms));
  if (!r.started.empty()) out << xml_attr("timestamp", r.started);
  out << ">\n";
  out << "    <properties>\n      <property" << xml_attr("name", "checked")
      << xml_attr("value", one_line(r.title)) << "/>\n    </properties>\n";
  for (const auto& c : r.checks) {
    out << "    <testcase" << xml_attr("name", one_line(c.name))
        << xml_attr("classname", "tlsmatrix." + r.command) << xml_attr("time", "0") << ">\n";
    if (c.state == CheckState::inconclusive) {
      out << "      <error" << xml_attr("message", one_line(c.message)) << xml_attr("type", "inconclusive")
          << ">" << escape_xml_text(finding(c)) << "</error>\n";
    } else if (fails(r, c)) {
      const char* type = c.state == CheckState::failed ? "error" : "warning";
      out << "      <failure" << xml_attr("message", one_line(c.message)) << xml_attr("type", type)
          << ">" << escape_xml_text(finding(c)) << "</failure>\n";
    }
    const char* prefix = c.state == CheckState::ok             ? "ok: "
                         : c.state == CheckState::warning      ? "warning: "
                         : c.state == CheckState::inconclusive ? "inconclusive: "
                                                               : "error: ";
    out << "      <system-out>" << escape_xml_text(prefix + finding(c)) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

std::string render_check_markdown(const CheckReport& r) {
  const int errors = r.errors();
  const int warnings = r.warnings();
  const int unsettled = r.inconclusive();
  const int ok = static_cast<int>(r.checks.size()) - errors - warnings - unsettled;
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
    const char* mark = c.state == CheckState::ok             ? "✅ ok"
                       : c.state == CheckState::failed       ? "❌ error"
                       : c.state == CheckState::inconclusive ? "❔ inconclusive"
                       : fails(r, c)                   ? "❌ warning"
                                                       : "⚠️ warning";
    out << "| " << mark << " | " << escape_markdown(c.name) << " | " << escape_markdown(c.message)
        << " | " << escape_markdown(c.fix) << " |\n";
  }
  out << "\n";
  if (!r.notes.empty()) {
    out << "### Notes\n\n";
    for (const auto& note : r.notes) out << "- " << escape_markdown(note) << "\n";
    out << "\n";
  }
  return out.str();
}

}  // namespace tlsmatrix::reports
