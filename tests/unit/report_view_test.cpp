// What a user sees of a run: every cell of the grid says what happened (pass, or which failure)
// and whether that was expected, in the terminal, the HTML page (as text, not only in tooltips)
// and the Markdown summary, each with a legend of the codes it uses; a 3 modes x 3 profiles grid
// fits an 80-column CI log.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "reports/common/text_util.h"
#include "reports/run/run_console.h"
#include "reports/run/run_html.h"
#include "reports/run/run_markdown.h"
#include "reports/run/verdict_codes.h"

namespace tlsmatrix::reports {
namespace {

const verdict::Verdict kPass{verdict::Outcome::pass, verdict::Reason::ok};
verdict::Verdict fail(verdict::Reason r) { return {verdict::Outcome::fail, r}; }

const std::string kLongName = "portability-wildcard-single-label-parent";

// 3 scenarios x modes 0,1,2 x profiles grpc-core, go, node: 27 cells in 9 columns, two of them
// mismatched (mode2-no-client-cert mode 2 go: want cNO, got cCA?; expiry-server-expired mode 1
// node: want EXP, got ok).
runner::RunResult nine_column_run() {
  runner::RunResult run;
  run.version = "0.1.0";
  run.wall_ms = 2000;
  for (const std::string& name : {kLongName, std::string("mode2-no-client-cert"),
                                  std::string("expiry-server-expired")}) {
    for (int mode : {0, 1, 2}) {
      for (const std::string profile : {"grpc-core", "go", "node"}) {
        verdict::Verdict want = kPass;
        if (name == kLongName && mode > 0 && profile != "go") want = fail(verdict::Reason::hostname_mismatch);
        if (name == "mode2-no-client-cert" && mode == 2) want = fail(verdict::Reason::client_cert_missing);
        if (name == "expiry-server-expired" && mode > 0) want = fail(verdict::Reason::server_cert_expired);
        verdict::Verdict got = want;
        if (name == "mode2-no-client-cert" && mode == 2 && profile == "go") {
          got = fail(verdict::Reason::client_cert_unknown_ca);
        }
        if (name == "expiry-server-expired" && mode == 1 && profile == "node") got = kPass;
        runner::CellResult c;
        c.scenario = name;
        c.scenario_file = "scenarios/" + name + ".yaml";
        c.mode = mode;
        c.profile = profile;
        c.expected = want;
        c.actual = got;
        c.match = want == got;
        run.cells.push_back(c);
      }
    }
  }
  return run;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string line_with(const std::string& text, const std::string& needle) {
  for (const auto& line : lines_of(text)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

TEST(VerdictCodes, ShortAndNamed) {
  EXPECT_EQ(verdict_code(kPass), "ok");
  EXPECT_EQ(verdict_code(fail(verdict::Reason::hostname_mismatch)), "HOST");
  EXPECT_EQ(verdict_code(fail(verdict::Reason::unknown_ca)), "CA?");
  EXPECT_EQ(verdict_code(fail(verdict::Reason::client_cert_unknown_ca)), "cCA?");
  for (std::string_view name : verdict::expectable_reason_names()) {
    verdict::Verdict v = fail(*verdict::parse_reason(name));
    EXPECT_LE(verdict_code(v).size(), kMaxCodeWidth) << name;
    EXPECT_EQ(code_meaning(v), name);
  }
  // Every code means one reason.
  std::vector<std::string> codes;
  for (std::string_view name : verdict::expectable_reason_names()) {
    codes.push_back(verdict_code(fail(*verdict::parse_reason(name))));
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end());
}

TEST(VerdictCodes, LegendListsUsedCodesInTaxonomyOrder) {
  CodeLegend legend;
  legend.add(fail(verdict::Reason::client_cert_missing));
  legend.add(kPass);
  legend.add(fail(verdict::Reason::hostname_mismatch));
  legend.add(fail(verdict::Reason::client_cert_missing));
  auto entries = legend.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].code, "ok");
  EXPECT_EQ(entries[0].meaning, "pass");
  EXPECT_EQ(entries[1].code, "HOST");
  EXPECT_EQ(entries[2].meaning, "client_cert_missing");
}

// Before: every cell was ✓ or ✗, nothing said which failure happened, and there was no legend.
TEST(ConsoleGrid, EveryCellShowsWhatHappenedAndWhetherItMatched) {
  ConsoleOptions o;
  o.width = 80;
  std::string text = render_console_report(nine_column_run(), o);
  std::string row = line_with(text, "mode2-no-client-cert ");
  EXPECT_NE(row.find("cNO"), std::string::npos) << text;
  EXPECT_NE(row.find("✗cCA?"), std::string::npos) << text;
  row = line_with(text, "expiry-server-expired ");
  EXPECT_NE(row.find("EXP"), std::string::npos) << text;
  EXPECT_NE(row.find("✗ok"), std::string::npos) << text;
  EXPECT_NE(line_with(text, "portabil").find("HOST"), std::string::npos) << text;
  // The legend names every code the grid uses, and only those.
  for (const char* entry : {"ok=pass", "HOST=hostname_mismatch", "EXP=server_cert_expired",
                            "cNO=client_cert_missing", "cCA?=client_cert_unknown_ca",
                            "✗=not as expected"}) {
    EXPECT_NE(text.find(entry), std::string::npos) << entry << "\n" << text;
  }
  EXPECT_EQ(text.find("CA?=unknown_ca"), std::string::npos) << text;
  EXPECT_EQ(text.find("-=not run"), std::string::npos) << text;
  // The mismatches in full, BoGo style.
  EXPECT_NE(text.find("✗ mode2-no-client-cert  mode 2  go: wrong failure: want client_cert_missing, "
                      "got client_cert_unknown_ca\n"),
            std::string::npos)
      << text;
}

// Everything before the mismatch list (grid, legend) fits 80 columns with 9 cells per row; the
// cells stay under their profile labels.
TEST(ConsoleGrid, NineColumnsFitEightyColumns) {
  for (bool ascii : {false, true}) {
    ConsoleOptions o;
    o.width = 80;
    o.ascii = ascii;
    std::string text = render_console_report(nine_column_run(), o);
    auto lines = lines_of(text);
    std::size_t checked = 0;
    for (const auto& line : lines) {
      if (line.starts_with("Mismatches")) break;
      EXPECT_LE(display_width(line), 80u) << line;
      ++checked;
    }
    EXPECT_GE(checked, 6u) << text;
    ASSERT_GE(lines.size(), 5u);
    // Each profile label sits where the cells of its column start.
    std::string labels = lines[1];
    std::string row = line_with(text, "expiry-server-expired ");
    std::vector<std::size_t> label_cols, cell_cols;
    auto starts = [](const std::string& line) {
      std::vector<std::size_t> cols;
      std::size_t col = 0;
      bool prev_space = true;
      for (std::size_t pos = 0; pos < line.size();) {
        char32_t cp = io::next_code_point(line, pos).value_or(io::kReplacementChar);
        if (cp != ' ' && prev_space) cols.push_back(col);
        prev_space = cp == ' ';
        ++col;
      }
      return cols;
    };
    label_cols = starts(labels);
    cell_cols = starts(row);
    ASSERT_EQ(label_cols.size(), 9u) << labels;
    ASSERT_EQ(cell_cols.size(), 10u) << row;  // the name, then nine cells
    // A cell is a one-column marker slot (blank when it matched) and its code; the label sits
    // over the code.
    for (std::size_t i = 0; i < 9; ++i) {
      std::size_t start = cell_cols[i + 1];
      EXPECT_TRUE(start == label_cols[i] || start + 1 == label_cols[i]) << row << "\n" << labels;
    }
  }
}

TEST(ConsoleGrid, WideGridsSplitByModeRatherThanHideNames) {
  runner::RunResult run = nine_column_run();
  ConsoleOptions o;
  o.width = 50;
  std::string text = render_console_report(run, o);
  for (const auto& line : lines_of(text)) {
    if (line.starts_with("Mismatches")) break;
    EXPECT_LE(display_width(line), 50u) << line << "\n" << text;
  }
  // Every scenario keeps enough of its name to tell it apart.
  EXPECT_NE(text.find("mode2-no-client-cert"), std::string::npos) << text;
  EXPECT_NE(text.find("expiry-server-expired"), std::string::npos) << text;
}

TEST(ConsoleGrid, ColourOnlyWhenAsked) {
  ConsoleOptions o;
  o.color = true;
  std::string text = render_console_report(nine_column_run(), o);
  EXPECT_NE(text.find("\x1b[1;31m✗cCA?\x1b[0m"), std::string::npos) << text;
  o.color = false;
  EXPECT_EQ(render_console_report(nine_column_run(), o).find('\x1b'), std::string::npos);
}

class EnvGuard {
 public:
  explicit EnvGuard(const char* name) : name_(name) {
    const char* v = std::getenv(name);
    if (v != nullptr) saved_ = v;
    had_ = v != nullptr;
  }
  ~EnvGuard() { had_ ? ::setenv(name_, saved_.c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::string saved_;
  bool had_ = false;
};

// Not a terminal (a CI log): no colour and 80 columns unless COLUMNS says otherwise. Before: 100.
TEST(ConsoleGrid, LogWidthIsEightyUnlessColumnsSaysSo) {
  EnvGuard columns("COLUMNS");
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ::unsetenv("COLUMNS");
  ConsoleOptions o = detect_console_options(::fileno(f));
  EXPECT_EQ(o.width, 80u);
  EXPECT_FALSE(o.color);
  ::setenv("COLUMNS", "132", 1);
  EXPECT_EQ(detect_console_options(::fileno(f)).width, 132u);
  ::setenv("COLUMNS", "junk", 1);
  EXPECT_EQ(detect_console_options(::fileno(f)).width, 80u);
  std::fclose(f);
}

// A terminal gets colour unless NO_COLOR is set (https://no-color.org).
TEST(ConsoleGrid, TerminalColourRespectsNoColor) {
  EnvGuard no_color("NO_COLOR");
  EnvGuard term("TERM");
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  int tty = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(tty, 0);
  ::setenv("TERM", "xterm", 1);
  ::unsetenv("NO_COLOR");
  EXPECT_TRUE(detect_console_options(tty).color);
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(detect_console_options(tty).color);
  ::close(tty);
  ::close(master);
}

// The page's text with every attribute (tooltips included) removed: what a print or a screenshot
// shows.
// (A scan, not std::regex: GCC 12 under ASan warns inside <regex> with -Werror.)
std::string visible_text(const std::string& html) {
  std::string out;
  bool in_tag = false;
  bool space = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (!in_tag && html.compare(i, 7, "<style>") == 0) {
      std::size_t end = html.find("</style>", i);
      if (end == std::string::npos) break;
      i = end + 7;
      space = true;
      continue;
    }
    const char c = html[i];
    if (c == '<') in_tag = true;
    if (in_tag || std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      if (c == '>') in_tag = false;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Before: cells were ✓ / ✗ with the verdicts only in hover tooltips.
TEST(HtmlGrid, CellsShowCodesAsTextWithALegend) {
  std::string html = render_html_report(nine_column_run());
  std::string text = visible_text(html);
  for (const char* s : {"cCA?", "want cNO", "EXP", "HOST", "hostname_mismatch",
                        "client_cert_unknown_ca", "client_cert_missing", "server_cert_expired"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << "\n" << text;
  }
  EXPECT_EQ(text.find("T>P"), std::string::npos) << "unused codes stay out of the legend";
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(html.find("Hover a cell"), std::string::npos) << "nothing is hover-only";
}

// Before: the Markdown had only counts per mode and profile.
TEST(MarkdownGrid, EveryCellWithCodesAndALegend) {
  std::string md = render_markdown_report(nine_column_run());
  std::string row = line_with(md, "| mode2-no-client-cert |");
  ASSERT_FALSE(row.empty()) << md;
  EXPECT_NE(row.find("`cNO`"), std::string::npos) << row;
  EXPECT_NE(row.find("✗ `cCA?`"), std::string::npos) << row;
  EXPECT_NE(md.find("`HOST` hostname\\_mismatch"), std::string::npos) << md;
  EXPECT_NE(md.find("`cCA?` client\\_cert\\_unknown\\_ca"), std::string::npos) << md;
  EXPECT_EQ(md.find("`T>P`"), std::string::npos) << md;
}

}  // namespace
}  // namespace tlsmatrix::reports
