// The bench reports: the HTML page must say everything the console says (the load warning, CPU
// per handshake, the mode and resumption ratios, why a rate can exceed the ceiling), because a
// reader of the page has no console.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "reports/bench_report.h"

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
  r.config = {mode, KeyType::ec_p256, handshake::TlsVersion::tls13, resume};
  r.concurrency = 2;
  r.cores = 2;
  r.target = "in-process";
  r.load = load(static_cast<std::uint64_t>(rate), 1.0, 1.3, resume ? static_cast<std::uint64_t>(rate) : 0);
  r.ceiling = load(static_cast<std::uint64_t>(ceiling), 1.0, 2.0);
  r.bound.per_s = 4000;
  r.bound.us_per_handshake = 500;
  return r;
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

TEST(BenchReport, HtmlSaysWhatTheConsoleSays) {
  auto results = sample();
  std::string html = bench_html(results, busy_machine());
  // The ratios between configurations, line by line as the console prints them.
  std::istringstream summary(bench_summary(results));
  std::string line;
  int ratio_lines = 0;
  while (std::getline(summary, line)) {
    if (line.find("x  ") == std::string::npos) continue;
    ++ratio_lines;
    std::string text = line.substr(line.find_first_not_of(' '));
    EXPECT_NE(html.find(text), std::string::npos) << "missing from the HTML: " << text;
  }
  EXPECT_EQ(ratio_lines, 2) << "mode 2 / mode 1 and resumed / full";
  EXPECT_NE(html.find("load average 3.0"), std::string::npos) << "no load warning";
  EXPECT_NE(html.find("CPU"), std::string::npos) << "no CPU per handshake";
  EXPECT_NE(html.find("722 µs"), std::string::npos) << "no CPU µs per handshake (1.3 s of CPU for 1800)";
  EXPECT_NE(html.find("above 100% of the ceiling"), std::string::npos)
      << "106% of the ceiling shown without saying how that can be";
}

}  // namespace
}  // namespace tlsmatrix::reports
