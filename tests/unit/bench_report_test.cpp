// The bench reports: the HTML page must say everything the console says (the load warning, CPU
// per handshake, the mode and resumption ratios, why a rate can exceed the ceiling), because a
// reader of the page has no console.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "reports/bench/bench_report.h"

namespace tlsmatrix::reports {
namespace {

handshake::LoadResult load(std::uint64_t ok, double seconds, double cpu_s, std::uint64_t resumed = 0) {
  handshake::LoadResult l;
  l.ok = ok;
  l.resumed = resumed;
  l.elapsed_s = seconds;
  l.cpu_s = cpu_s;
  for (std::uint64_t i = 0; i < ok; ++i) l.latencies_us.push_back(900.0f + static_cast<float>(i % 200));
  return l;
}

BenchResult result(int mode, bool resume, double rate, double ceiling) {
  BenchResult r;
  r.config = {mode, certs::KeyType::ec_p256, handshake::TlsVersion::tls13, resume};
  r.concurrency = 2;
  r.cores = 2;
  r.target = "in-process";
  r.load = load(static_cast<std::uint64_t>(rate), 1.0, 1.3, resume ? static_cast<std::uint64_t>(rate) : 0);
  r.ceiling = load(static_cast<std::uint64_t>(ceiling), 1.0, 2.0);
  r.bound.per_s = 4000;
  r.bound.us_per_handshake = 500;
  return r;
}

std::string collapse(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<BenchResult> sample() {
  // Mode 1 resumed runs above its ceiling (as under a loaded machine), mode 2 at half of mode 1.
  return {result(1, false, 1800, 2000), result(1, true, 3700, 3500), result(2, false, 900, 1000)};
}

BenchRunInfo busy_machine() {
  BenchRunInfo info;
  info.started = "2026-01-01T00:00:00Z";
  info.layer = "tls";
  info.target = "in-process on 127.0.0.1";
  info.cores = 2;
  info.processes = 1;
  info.concurrency = 2;
  info.duration_s = 1;
  info.load_before = 3.0;
  info.load_after = 3.5;
  return info;
}

// The page's text as a reader sees it: tags out (cells and blocks apart), entities decoded,
// whitespace collapsed.
std::string page_text(const std::string& html) {
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    if (html[i] == '<') {
      std::size_t end = html.find('>', i);
      std::string tag = html.substr(i + 1, end - i - 1);
      // Inline tags join their text; everything else (cells, paragraphs, SVG text) separates.
      bool inline_tag = tag == "b" || tag == "/b" || tag == "i" || tag == "/i";
      if (!inline_tag) out += ' ';
      i = end + 1;
      continue;
    }
    out += html[i++];
  }
  for (auto [entity, ch] : {std::pair<const char*, const char*>{"&lt;", "<"}, {"&gt;", ">"},
                            {"&quot;", "\""}, {"&apos;", "'"}, {"&#39;", "'"}, {"&amp;", "&"}}) {
    for (std::size_t at; (at = out.find(entity)) != std::string::npos;) out.replace(at, std::strlen(entity), ch);
  }
  return collapse(out);
}

// Every line the terminal shows for `results` must stand in the page (the table's dashes and
// section headings aside), in the same words.
void expect_page_says_console(const std::vector<BenchResult>& results, const BenchRunInfo& info) {
  std::string console = bench_console_head(info);
  for (const auto& r : results) console += bench_table_row(r);
  for (const auto& f : info.failures) console += bench_failure_line(f);
  console += bench_console_tail(results, info);
  const std::string page = page_text(bench_html(results, info));
  std::istringstream lines(console);
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    std::string want = collapse(line);
    if (want.empty() || want.find_first_not_of('-') == std::string::npos) continue;
    if (want == "ratios (handshakes/s):") want = "Ratios (handshakes/s)";
    ++checked;
    EXPECT_NE(page.find(want), std::string::npos) << "the console says, the page does not:\n" << want;
  }
  EXPECT_GT(checked, 5);
}

// An in-process run on a busy machine: the load warning, CPU per handshake, both ratios, and a
// rate above its ceiling with the line that says how that can be.
TEST(BenchReport, HtmlSaysWhatTheConsoleSays) {
  auto results = sample();
  BenchRunInfo info = busy_machine();
  info.configurations = 3;
  const std::string tail = bench_console_tail(results, info);
  EXPECT_NE(tail.find("warning: load average 3.0"), std::string::npos) << tail;
  EXPECT_NE(tail.find("0.50x mode 2 / mode 1"), std::string::npos) << tail;
  EXPECT_NE(tail.find("2.06x resumed / full"), std::string::npos) << tail;
  EXPECT_NE(tail.find("above 100% of the ceiling"), std::string::npos) << tail;
  const std::string page = page_text(bench_html(results, info));
  EXPECT_NE(page.find("CPU µs/hs"), std::string::npos);
  EXPECT_NE(page.find(" 722 "), std::string::npos) << "no CPU µs per handshake (1.3 s of CPU for 1800)";
  expect_page_says_console(results, info);
}

// A --target run that went wrong in every way a row can: refusals by reason, handshakes cut
// off, a target that went away, a survey that failed; all of it on the page too.
TEST(BenchReport, HtmlSaysWhatTheConsoleSaysAboutFailures) {
  BenchResult r = result(1, false, 40, 0);
  r.target = "127.0.0.1:4433";
  r.load.failed = 12;
  r.load.unreachable = 9;
  r.load.cut_off = 2;
  r.load.first_error = "refused after the handshake: the server sent alert 116 (certificate required)";
  r.load.errors = {{"connect: Connection refused", 9}, {r.load.first_error, 3}};
  r.load.target_lost = true;
  r.target_facts = handshake::TargetFacts{"TLSv1.3", "TLS_AES_256_GCM_SHA384", "", "EC P-256",
                                          true, false, "not verified (--insecure)"};
  r.notes = {"external target: CPU time is the client's only (the server's is spent on its side)"};
  BenchRunInfo info = busy_machine();
  info.load_before = 0.1;
  info.target = "127.0.0.1:4433";
  info.configurations = 1;
  info.lines = {"target: TLSv1.3 TLS_AES_256_GCM_SHA384, server key EC P-256, ..."};
  info.failures = {"target 127.0.0.1:4433 at TLS 1.2: FAILED: refused during the handshake"};
  info.stopped = "the target 127.0.0.1:4433 went away";
  std::vector<BenchResult> results = {r};
  const std::string row = collapse(bench_table_row(r));
  for (const char* want : {"12 handshakes failed or refused; first error: refused after",
                           "most common first:", "9x connect: Connection refused",
                           "2 handshakes were still in progress when the run ended",
                           "the target went away: 9 connects failed after 40 handshakes",
                           "let this client in without one: not safe as mode 2"}) {
    EXPECT_NE(row.find(want), std::string::npos) << want << "\nnot in\n" << row;
  }
  EXPECT_EQ(bench_console_tail(results, info).find("warning"), std::string::npos);
  expect_page_says_console(results, info);
}

}  // namespace
}  // namespace tlsmatrix::reports
