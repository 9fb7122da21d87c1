// The three faces of `tlsmatrix bench` results: the terminal (a heading, an aligned table printed
// row by row as configurations finish, then the ratios, footnotes and warnings), the JSON
// contract ({"results":[...]}) and a self-contained HTML page with inline SVG charts. The page
// carries every line the terminal shows (tests/unit/bench_report_test.cpp checks it line by
// line), because a reader of the page has no terminal.
#pragma once

#include <string>
#include <vector>

#include "harness/handshake/bench_merge.h"
#include "harness/handshake/bench_run.h"

namespace tlsmatrix::reports {

using handshake::BenchResult;

// The run as a whole, for headings.
struct BenchRunInfo {
  std::string started;  // ISO 8601 UTC
  std::string layer;
  std::string target;   // "in-process on 127.0.0.1" or HOST:PORT
  int cores = 1;
  int processes = 1;
  bool processes_given = false;  // --processes, or the default
  int concurrency = 1;
  double duration_s = 0;
  int configurations = 0;
  double load_before = -1;  // 1-minute load average at the start and the end (-1: unknown)
  double load_after = -1;
  std::vector<std::string> lines;     // under the heading: skipped configurations, the target
  std::vector<std::string> failures;  // configurations that could not be measured, and why
  std::string stopped;                // why the run stopped early (the target went away)
};

// The terminal, in the order it is printed: head (heading, info.lines, table header), one row
// per configuration (or a failure line), then the tail (failures, ratios, footnotes, warning).
std::string bench_console_head(const BenchRunInfo& info);
std::string bench_table_header();
std::string bench_table_row(const BenchResult& r);
std::string bench_failure_line(const std::string& failure);
std::string bench_console_tail(const std::vector<BenchResult>& results, const BenchRunInfo& info);

// Pieces both the terminal and the page say.
std::string bench_heading(const BenchRunInfo& info);
std::string bench_label(const BenchResult& r);  // "tls mode 1 ec-p256 TLS1.3 full"
// The table's cells for one result, in bench_table_columns() order.
std::vector<std::string> bench_table_columns();
std::vector<std::string> bench_table_cells(const BenchResult& r);
// What is worth saying under a row: failures by reason, handshakes cut off, resumption that did
// not happen, the layer's notes.
std::vector<std::string> bench_row_notes(const BenchResult& r);
// "0.50x  mode 2 / mode 1  (...)" for each pair of configurations that differ only in mode, or
// only in resumption.
std::vector<std::string> bench_ratio_lines(const std::vector<BenchResult>& results);
// What the references are, and why a rate can exceed the ceiling when one does.
std::vector<std::string> bench_footnotes(const std::vector<BenchResult>& results);
// The load warning when the machine was busy before the run; empty otherwise.
std::string bench_load_warning(const BenchRunInfo& info);

std::string bench_json(const std::vector<BenchResult>& results, const BenchRunInfo& info);
std::string bench_html(const std::vector<BenchResult>& results, const BenchRunInfo& info);

// `bench merge`: the merged rows as JSON (the same row fields as bench --json where they still
// mean the same; percentiles from the merged histograms) and as a terminal table.
std::string bench_merge_json(const handshake::MergedBench& merged);
std::string bench_merge_text(const handshake::MergedBench& merged);

}  // namespace tlsmatrix::reports
