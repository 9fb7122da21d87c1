// `tlsmatrix bench merge`: several `bench --json` results (the pods of a Kubernetes Indexed Job
// each measuring the same target from their own machine) as one load. Rows of the same
// configuration add up: handshakes, failures and rates add (the loads ran side by side), and the
// latency percentiles come from the merged histograms, so they equal those of one run over the
// pooled samples (latency_histogram.h), never an average of percentiles.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/handshake/latency_histogram.h"

namespace tlsmatrix::handshake {

struct MergedRow {
  // What makes rows the same configuration.
  std::string layer, key, tls, target;
  int mode = 0;
  bool resume = false;
  int runs = 0;  // files that had this row
  double handshakes_per_s = 0;  // sum of the runs' rates
  std::uint64_t handshakes = 0, failed = 0, cut_off = 0;
  double cpu_us_per_handshake = 0;  // weighted by handshakes
  LatencyHistogram latency;
  std::map<std::string, std::uint64_t> errors;  // reason -> count
};

struct MergedBench {
  std::vector<std::string> files;
  std::vector<MergedRow> rows;  // in the order first seen
};

// `texts[i]` is the content of `files[i]`. Throws InputError naming the file (and the result's
// index) when one is not a `bench --json` document with histograms.
MergedBench merge_bench_json(const std::vector<std::string>& files, const std::vector<std::string>& texts);

}  // namespace tlsmatrix::handshake
