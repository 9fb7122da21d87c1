// The three faces of `tlsmatrix bench` results: an aligned terminal table (printed row by row as
// configurations finish), the JSON contract ({"results":[...]}) and a self-contained HTML page
// whose inline SVG shows each configuration's rate against its ceiling and bound, and its
// latency percentiles.
#pragma once

#include <string>
#include <vector>

#include "harness/handshake/bench_run.h"

namespace tlsmatrix::reports {

using handshake::BenchResult;

// The run as a whole, for headings.
struct BenchRunInfo {
  std::string started;  // ISO 8601 UTC
  std::string layer;
  std::string target;   // "in-process (127.0.0.1, port 0)" or HOST:PORT
  int cores = 1;
  int processes = 1;
  int concurrency = 1;
  double duration_s = 0;
  double load_before = -1;  // 1-minute load average at the start and the end (-1: unknown)
  double load_after = -1;
};

// Terminal table: the header once, then one row per configuration.
std::string bench_table_header();
std::string bench_table_row(const BenchResult& r);
// Notes under the table: failures, process counts, and the ratios between configurations that
// differ only in mode (2 vs 1) or in resumption (resumed vs full).
std::string bench_summary(const std::vector<BenchResult>& results);

std::string bench_json(const std::vector<BenchResult>& results, const BenchRunInfo& info);
std::string bench_html(const std::vector<BenchResult>& results, const BenchRunInfo& info);

}  // namespace tlsmatrix::reports
