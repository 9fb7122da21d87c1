// Report writers: a hand-built run with matched and mismatched cells, two profiles and scenario
// names full of characters that break naive writers (quotes, &, <>, newlines, control characters,
// invalid UTF-8). The file formats are checked by real parsers (Python's json, ElementTree and
// html.parser via tests/unit/reports_parse_check.py), the terminal and Markdown text by content.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/io/input_error.h"
#include "reports/common/check_report.h"
#include "reports/common/json_out.h"
#include "reports/common/markup_escape.h"
#include "reports/common/text_util.h"
#include "reports/probe/probe_checks.h"
#include "reports/run/run_console.h"
#include "reports/run/run_json.h"
#include "reports/run/run_junit.h"
#include "reports/run/run_markdown.h"
#include "reports/run/run_reports.h"
#include "reports/run/summary.h"
#include "tests/unit/support/temp_dir.h"

namespace tlsmatrix::reports {
namespace {

namespace fs = std::filesystem;

const std::string kQuoted = "valid \"rsa\" & <ec> 'set'";
const std::string kNasty = "multi\nline\x01name\x1b[31m\xff";
const std::string kLong =
    "a-scenario-name-so-long-that-the-terminal-table-has-to-cut-it-somewhere-before-the-marks";

runner::CellResult make_cell(const std::string& scenario, int mode, const std::string& profile,
                     verdict::Verdict expected, verdict::Verdict actual, std::string detail = "") {
  runner::CellResult c;
  c.scenario = scenario;
  c.scenario_file = "scenarios/" + std::to_string(scenario.size()) + ".yaml";
  c.summary = "summary of " + scenario;
  c.mode = mode;
  c.profile = profile;
  c.expected = expected;
  c.actual = actual;
  c.detail = std::move(detail);
  c.match = expected == actual;
  c.duration_ms = 12.3456;
  return c;
}

// 3 scenarios x modes 0,1,2 x profiles grpc-core, go = 18 cells, two of them mismatched:
// kNasty mode 2 go (wrong failure) and kQuoted mode 1 grpc-core (unexpected success).
runner::RunResult sample_run() {
  runner::RunResult run;
  run.version = "0.1.0";
  run.started = "2026-11-23T04:30:00Z";
  run.wall_ms = 1234;
  const verdict::Verdict pass{verdict::Outcome::pass, verdict::Reason::ok};
  const verdict::Verdict unknown_ca{verdict::Outcome::fail, verdict::Reason::unknown_ca};
  const verdict::Verdict missing{verdict::Outcome::fail, verdict::Reason::client_cert_missing};
  for (const auto& name : {kQuoted, kNasty, kLong}) {
    for (int mode : {0, 1, 2}) {
      for (const std::string profile : {"grpc-core", "go"}) {
        verdict::Verdict want = mode == 0 ? pass : (name == kNasty && mode == 2 ? missing : unknown_ca);
        verdict::Verdict got = want;
        std::string detail;
        if (name == kNasty && mode == 2 && profile == "go") {
          got = unknown_ca;
          detail = "client: Socket closed\nserver: certificate verify failed <&> \"x\"\x02";
        }
        if (name == kQuoted && mode == 1 && profile == "grpc-core") got = pass;
        run.cells.push_back(make_cell(name, mode, profile, want, got, detail));
      }
    }
  }
  run.portability.push_back({kQuoted, 1, "accepted by grpc-core, rejected by go: <name> & \"CN\""});
  run.notes.push_back("server accepts TLS 1.2 in mode 2; Milvus requires TLS 1.3");
  return run;
}

TEST(TextUtil, Utf8AndWidth) {
  EXPECT_EQ(valid_utf8("a\xff" "b\xc0\xaf"), "a\uFFFD" "b\uFFFD\uFFFD");  // overlong '/'
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");            // a surrogate
  EXPECT_EQ(one_line("  a\n\tb\x1b[1m  c "), "a b [1m c");
  EXPECT_EQ(display_width("✓✗ab"), 4u);
  EXPECT_EQ(display_width("✅"), 2u);
  EXPECT_EQ(truncate_to_width("abcdef", 4), "abc…");
  EXPECT_EQ(truncate_to_width("abcdef", 6), "abcdef");
  EXPECT_EQ(truncate_to_width("abcdef", 5, "..."), "ab...");
  EXPECT_EQ(pad_to_width("✓", 3), "✓  ");
  EXPECT_EQ(format_fixed(0.01234, 3), "0.012");
  EXPECT_EQ(wrap_words("aa bb cc dddddd e", 5),
            (std::vector<std::string>{"aa bb", "cc", "dddddd", "e"}));
}

TEST(JsonOut, EscapesAndNests) {
  EXPECT_EQ(json_quote("a\"b\\c\n\x01\x7f\xff"), R"("a\"b\\c\n\u0001\u007f)" "\uFFFD\"");
  JsonWriter w(0);
  w.begin_object().member("n", 3).member("x", 0.5).member("b", false).key("a").begin_array();
  w.value("s").null().end_array().key("e").begin_object().end_object().end_object();
  EXPECT_EQ(w.take(), R"({"n":3,"x":0.5,"b":false,"a":["s",null],"e":{}})");
}

TEST(JsonOut, OptionalsAndStringLists) {
  JsonWriter w(0);
  w.begin_object()
      .member("none", std::optional<int>{})
      .member("some", std::optional<int>{2})
      .member("text", std::optional<std::string>{"t"})
      .member("list", std::vector<std::string>{"a", "b"})
      .member("empty", std::vector<std::string>{})
      .end_object();
  EXPECT_EQ(w.take(), R"({"none":null,"some":2,"text":"t","list":["a","b"],"empty":[]})");
}

TEST(JsonOut, MisuseThrows) {
  JsonWriter w;
  w.begin_object();
  EXPECT_THROW(w.value("no key"), std::logic_error);
  EXPECT_THROW(w.end_array(), std::logic_error);
  EXPECT_THROW(w.take(), std::logic_error);
}

TEST(MarkupEscape, EscapesAndStripsIllegal) {
  EXPECT_EQ(escape_xml_text("<a & b>\x01\x0b"), "&lt;a &amp; b&gt;");
  EXPECT_EQ(escape_xml_attr("\"q\" 'a'\n\t"), "&quot;q&quot; &#39;a&#39;&#10;&#9;");
  EXPECT_EQ(escape_xml_text("\xef\xbf\xbe ok \xff"), " ok \uFFFD");  // U+FFFE is not XML
}

TEST(ConsoleTable, BoGoLinesAndDetail) {
  std::string text = render_console_report(sample_run(), {});
  EXPECT_NE(text.find("✗ multi line name [31m\uFFFD  mode 2  go: wrong failure: want "
                      "client_cert_missing, got unknown_ca\n    client: Socket closed\n"
                      "    server: certificate verify failed <&> \"x\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  mode 1  grpc-core: unexpected success\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Portability:\n"), std::string::npos);
  EXPECT_NE(text.find("Notes:\n  - server accepts TLS 1.2"), std::string::npos);
  EXPECT_NE(text.find("18 cells: 16 matched, 2 mismatched"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no colour was asked for";
  EXPECT_EQ(text.find('\x01'), std::string::npos);
}

// The cells of every row sit under the profile labels of the header (a cell that did not match
// starts with ✗ one column to the left of its code), and the table fits in the requested width
// (the long name is cut with an ellipsis).
TEST(ConsoleTable, ColumnsAlignAndFit) {
  ConsoleOptions options;
  options.width = 60;
  std::string text = render_console_report(sample_run(), options);
  std::istringstream lines(text);
  std::vector<std::string> table;
  for (std::string line; std::getline(lines, line) && !line.empty();) table.push_back(line);
  ASSERT_EQ(table.size(), 5u) << text;  // two header lines, three scenarios
  EXPECT_NE(table[0].find("mode 0"), std::string::npos);
  // Columns where a word starts, from column `from` on; a word starting with ✗ counts from its
  // second character (the code).
  auto columns_of = [](const std::string& line, std::size_t from) {
    std::vector<std::size_t> cols;
    std::size_t col = 0;
    bool prev_space = true;
    for (std::size_t pos = 0; pos < line.size();) {
      std::size_t start = pos;
      char32_t cp = io::next_code_point(line, pos).value_or(io::kReplacementChar);
      if (cp != ' ' && prev_space && col >= from) {
        cols.push_back(line.substr(start, pos - start) == "✗" ? col + 1 : col);
      }
      prev_space = cp == ' ';
      ++col;
    }
    return cols;
  };
  auto labels = columns_of(table[1], 0);
  ASSERT_EQ(labels.size(), 6u) << table[1];
  EXPECT_EQ(display_width(table[1].substr(0, table[1].find("core"))), labels[0]);
  for (std::size_t r = 2; r < table.size(); ++r) {
    EXPECT_LE(display_width(table[r]), 60u) << table[r];
    auto cells = columns_of(table[r], labels[0] - 1);
    EXPECT_EQ(cells, labels) << "row: " << table[r] << "\nheader: " << table[1];
  }
  EXPECT_NE(table[4].find("…"), std::string::npos) << table[4];
}

TEST(ConsoleTable, AsciiAndColour) {
  ConsoleOptions ascii;
  ascii.ascii = true;
  std::string text = render_console_report(sample_run(), ascii);
  for (char c : text) ASSERT_EQ(static_cast<unsigned char>(c) & 0x80, 0) << text;
  EXPECT_NE(text.find("XX multi line name [31m?  mode 2  go: wrong failure"), std::string::npos)
      << text;
  EXPECT_NE(text.find("!CA?"), std::string::npos) << text;

  ConsoleOptions colour;
  colour.color = true;
  text = render_console_report(sample_run(), colour);
  EXPECT_NE(text.find("\x1b[32mok\x1b[0m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[1;31m✗ok\x1b[0m"), std::string::npos);
  // The only escapes are ours: the one in the scenario name was made harmless.
  EXPECT_EQ(text.find("\x1b[31m\uFFFD"), std::string::npos);
}

TEST(ConsoleTable, SingleProfileHasNoSubColumns) {
  runner::RunResult run = sample_run();
  std::erase_if(run.cells, [](const runner::CellResult& c) { return c.profile == "go"; });
  std::string text = render_console_report(run, {});
  EXPECT_EQ(text.find("scenario"), 0u);
  // The header is one line: the scenario rows follow it directly.
  EXPECT_NE(text.find("mode 2\nvalid \"rsa\""), std::string::npos) << text;
}

TEST(Markdown, HeadingReflectsStatus) {
  runner::RunResult run = sample_run();
  std::string md = render_markdown_report(run);
  EXPECT_EQ(md.rfind("## ❌ tlsmatrix: 2 of 18 cells mismatched\n", 0), 0u) << md;
  EXPECT_NE(md.find("| scenario | mode | profile | expected | actual |"), std::string::npos);
  EXPECT_NE(md.find("`fail client_cert_missing` | `fail unknown_ca`"), std::string::npos) << md;
  EXPECT_NE(md.find("valid \"rsa\" \\& \\<ec\\> 'set'"), std::string::npos) << md;
  EXPECT_NE(md.find("| client: Socket closed<br>server: certificate verify failed \\<\\&\\> \"x\" |"),
            std::string::npos) << md;
  EXPECT_NE(md.find("### Portability"), std::string::npos);
  for (auto& c : run.cells) c.match = true;
  md = render_markdown_report(run);
  EXPECT_EQ(md.rfind("## ✅ tlsmatrix: 18/18 cells as expected\n", 0), 0u) << md;
  EXPECT_EQ(md.find("### Mismatches"), std::string::npos);
}

TEST(Markdown, TableCellsStayInTheirCells) {
  EXPECT_EQ(escape_markdown("a|b\nc `x` *y*"), "a\\|b c \\`x\\` \\*y\\*");
}

TEST(Junit, FailureMessageIsOneLine) {
  std::string xml = render_junit_report(sample_run());
  EXPECT_NE(xml.find("<failure message=\"wrong failure: want client_cert_missing, got "
                     "unknown_ca\" type=\"mismatch\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"mode 1 / grpc-core\" classname=\"valid &quot;rsa&quot; &amp; "
                     "&lt;ec&gt; &#39;set&#39;\""),
            std::string::npos)
      << xml;
}

// validate's and probe's JUnit and Markdown: an error is a failure; a warning is one only with
// --fail-on-warning and otherwise shows in <system-out>; text that could break the XML or the
// table is escaped.
TEST(CheckReport, WarningsFailOnlyWhenAskedAndTextIsEscaped) {
  CheckReport r;
  r.command = "validate";
  r.title = "tlsmatrix validate: tlsMode 2";
  using findings::Severity;
  const auto finding = [](std::string id, Severity s, std::string message, std::string fix,
                          std::string file) {
    findings::Finding f;
    f.id = std::move(id);
    f.severity = s;
    f.message = std::move(message);
    f.fix = std::move(fix);
    f.file = std::move(file);
    return f;
  };
  r.checks = {finding("config", Severity::ok, "tlsMode 2", "", ""),
              finding("validity", Severity::warning, "expires <soon> & then", "reissue", "a|b.pem"),
              finding("server.key_matches", Severity::error, "not the key\nof it", "use the right one", "")};
  const auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  std::string xml = render_check_junit(r);
  EXPECT_EQ(count(xml, "<testcase "), 3u) << xml;
  EXPECT_EQ(count(xml, "<failure "), 1u) << xml;
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"not the key of it\" type=\"error\">"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<system-out>warning: expires &lt;soon&gt; &amp; then\nfix: reissue"),
            std::string::npos)
      << xml;
  std::string md = render_check_markdown(r);
  EXPECT_EQ(md.rfind("## ❌ tlsmatrix validate: failed\n", 0), 0u) << md;
  EXPECT_NE(md.find("| ⚠️ warning | validity (a\\|b.pem) | expires \\<soon\\> \\& then | reissue |"),
            std::string::npos)
      << md;

  r.warnings_fail = true;
  xml = render_check_junit(r);
  EXPECT_EQ(count(xml, "<failure "), 2u) << xml;
  EXPECT_NE(xml.find("type=\"warning\""), std::string::npos) << xml;
  EXPECT_NE(render_check_markdown(r).find("| ❌ warning |"), std::string::npos);

  r.checks.pop_back();
  r.warnings_fail = false;
  EXPECT_EQ(render_check_markdown(r).rfind("## ⚠️ tlsmatrix validate: passed with 1 warning\n", 0),
            0u);
}

// A probe check its own side could not settle (an oversized chain) is never a passing testcase
// or a ✅ row: JUnit counts it as an <error>, Markdown says inconclusive. Before, the check lists
// mapped probe's `inconclusive` to ok.
TEST(CheckReport, InconclusiveProbeCheckIsNeverShownAsPassed) {
  probe::ProbeReport report;
  report.endpoint = "127.0.0.1:1";
  report.checks.push_back({"unrelated_ca_rejected", probe::Severity::inconclusive,
                           "a client certificate from an unrelated CA is turned away",
                           "the probe's own client stopped the handshake", "", std::nullopt, {}, {}});
  const CheckReport checks = probe_check_report(report, "", 1.0, /*warnings_fail=*/false);
  ASSERT_EQ(checks.checks.size(), 1u);
  EXPECT_EQ(checks.checks[0].severity, findings::Severity::inconclusive);
  const std::string xml = render_check_junit(checks);
  EXPECT_NE(xml.find("<error "), std::string::npos) << xml;
  EXPECT_NE(xml.find("errors=\"1\""), std::string::npos) << xml;
  const std::string md = render_check_markdown(checks);
  EXPECT_EQ(md.find("✅"), std::string::npos) << md;
  EXPECT_NE(md.find("inconclusive"), std::string::npos) << md;
}

// A cell the harness could not run is a JUnit <error> (the test did not run), not a <failure>,
// and the counts say which is which; JSON and the summary line count it apart too.
TEST(Junit, HarnessErrorIsAnError) {
  runner::RunResult run = sample_run();
  runner::CellResult& c = run.cells[0];
  c.actual = {verdict::Outcome::fail, verdict::Reason::harness_error};
  c.harness_error = "out of file descriptors (ulimit -n 16)";
  c.match = false;
  std::string xml = render_junit_report(run);
  EXPECT_NE(xml.find("<testsuites name=\"tlsmatrix\" tests=\"18\" failures=\"2\" errors=\"1\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error message=\"harness error (no verdict): out of file descriptors (ulimit -n 16)\" "
                     "type=\"harness_error\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(render_json_report(run).find("\"mismatched\": 3,\n    \"harness_errors\": 1"), std::string::npos)
      << render_json_report(run);
  EXPECT_NE(summary_line(run).find("18 cells: 15 matched, 3 mismatched, 1 of them harness errors (no verdict)"),
            std::string::npos)
      << summary_line(run);
}

// Runs a command and returns its exit status and output (stdout and stderr together).
std::pair<int, std::string> run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) output.append(buf.data(), n);
  return {::pclose(pipe), output};
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(WriteReports, FilesParseWithRealParsers) {
  testutil::TempDir dir;
  ReportPaths paths{dir.path() / "run.json", dir.path() / "run.xml", dir.path() / "run.md",
                    dir.path() / "run.html"};
  runner::RunResult run = sample_run();
  check_report_paths(paths);
  write_reports(run, paths);
  for (const auto& p : {*paths.json, *paths.junit, *paths.markdown, *paths.html}) {
    EXPECT_TRUE(fs::is_regular_file(p)) << p;
  }
  // Only the four reports: no temporary file left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 4);

  std::string command = "/usr/bin/python3 " +
                        shell_quote(std::string(TLSMATRIX_SOURCE_DIR) +
                                    "/tests/unit/reports_parse_check.py") +
                        " " + shell_quote(dir.path().string()) + " 18 2";
  for (const auto& name : {kQuoted, kNasty, kLong}) command += " " + shell_quote(valid_utf8(name));
  auto [status, output] = run_command(command);
  EXPECT_EQ(status, 0) << output;
}

// The checker itself must be able to fail: a JUnit file with a wrong count is caught.
TEST(WriteReports, ParseCheckCatchesWrongCounts) {
  testutil::TempDir dir;
  ReportPaths paths{dir.path() / "run.json", dir.path() / "run.xml", std::nullopt,
                    dir.path() / "run.html"};
  write_reports(sample_run(), paths);
  auto [status, output] = run_command(
      "/usr/bin/python3 " + shell_quote(std::string(TLSMATRIX_SOURCE_DIR) +
                                        "/tests/unit/reports_parse_check.py") +
      " " + shell_quote(dir.path().string()) + " 18 3 x");
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("junit has 2 failures, want 3"), std::string::npos) << output;
}

// All or none: when one report cannot be written (here the rename fails: a folder is in the
// way of the HTML report), the others keep their old content and no temporary is left.
TEST(WriteReports, OneFailureWritesNoReport) {
  testutil::TempDir dir;
  const fs::path json = dir.path() / "run.json";
  { std::ofstream(json) << "old report"; }
  const fs::path html = dir.path() / "run.html";
  fs::create_directory(html);
  { std::ofstream(html / "keep") << "x"; }
  EXPECT_THROW(write_reports(sample_run(), {.json = json, .junit = dir.path() / "run.xml",
                                            .html = html}),
               std::runtime_error);
  std::ifstream in(json);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "old report");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"run.html", "run.json"}));
}

TEST(WriteReports, BadPathsAreInputErrors) {
  testutil::TempDir dir;
  EXPECT_THROW(check_report_paths({.json = dir.path() / "missing" / "run.json"}), io::InputError);
  EXPECT_THROW(check_report_paths({.html = dir.path()}), io::InputError);
  EXPECT_NO_THROW(check_report_paths({.junit = dir.path() / "run.xml"}));
  EXPECT_THROW(write_reports(sample_run(), {.json = dir.path() / "missing" / "run.json"}),
               std::runtime_error);
}

}  // namespace
}  // namespace tlsmatrix::reports
