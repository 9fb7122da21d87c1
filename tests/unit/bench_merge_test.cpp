// bench merge: rows of several bench --json runs combine into one load whose percentiles equal
// those of one run over the pooled samples (read from the merged latency histograms).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "harness/handshake/bench_merge.h"
#include "harness/handshake/latency_histogram.h"
#include "harness/io/input_error.h"
#include "reports/bench/bench_report.h"

namespace tlsmatrix {
namespace {

using handshake::BenchResult;
using handshake::LatencyHistogram;

// Deterministic latencies around `centre` µs with a long tail.
std::vector<float> samples(int n, double centre, unsigned seed) {
  std::vector<float> out;
  unsigned x = seed;
  for (int i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    double u = static_cast<double>((x >> 8) & 0xffff) / 65536.0;
    out.push_back(static_cast<float>(centre * std::exp(2.0 * u * u - 0.5)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string run_json(const std::vector<float>& latencies, double elapsed_s) {
  BenchResult r;
  r.config = {1, certs::KeyType::ec_p256, handshake::TlsVersion::tls13, false};
  r.concurrency = 2;
  r.target = "10.0.0.5:19530";
  r.load.ok = latencies.size();
  r.load.elapsed_s = elapsed_s;
  r.load.cpu_s = 0.5;
  r.load.latencies_us = latencies;
  reports::BenchRunInfo info;
  return reports::bench_json({r}, info);
}

TEST(BenchMerge, PercentilesEqualThoseOfThePooledSamples) {
  auto a = samples(3000, 900, 1), b = samples(1000, 7000, 2), c = samples(500, 2500, 3);
  auto merged = handshake::merge_bench_json({"a.json", "b.json", "c.json"},
                                            {run_json(a, 2), run_json(b, 2), run_json(c, 1)});
  ASSERT_EQ(merged.rows.size(), 1u);
  const auto& row = merged.rows[0];
  EXPECT_EQ(row.runs, 3);
  EXPECT_EQ(row.handshakes, 4500u);
  EXPECT_DOUBLE_EQ(row.handshakes_per_s, 3000.0 / 2 + 1000.0 / 2 + 500.0 / 1);  // rates add

  std::vector<float> pooled = a;
  pooled.insert(pooled.end(), b.begin(), b.end());
  pooled.insert(pooled.end(), c.begin(), c.end());
  std::sort(pooled.begin(), pooled.end());
  LatencyHistogram one_run = handshake::histogram_of(pooled);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    SCOPED_TRACE(p);
    EXPECT_DOUBLE_EQ(row.latency.percentile_us(p), one_run.percentile_us(p));
    // And within one bucket (4.4%) above the exact nearest-rank sample of the pooled run.
    handshake::LoadResult exact;
    exact.latencies_us = pooled;
    double e = exact.percentile_us(p);
    EXPECT_GE(row.latency.percentile_us(p), e);
    EXPECT_LE(row.latency.percentile_us(p), e * std::exp2(1.0 / 16) * 1.0001);
  }
  // The test tells merging apart from averaging: the runs' p90s averaged are far off.
  double averaged = (handshake::histogram_of(a).percentile_us(90) + handshake::histogram_of(b).percentile_us(90) +
                     handshake::histogram_of(c).percentile_us(90)) / 3;
  EXPECT_GT(std::fabs(averaged - row.latency.percentile_us(90)), 0.1 * row.latency.percentile_us(90));

  // The merged JSON carries the merged histogram: merging it again changes nothing.
  auto again = handshake::merge_bench_json({"m.json"}, {reports::bench_merge_json(merged)});
  ASSERT_EQ(again.rows.size(), 1u);
  EXPECT_EQ(again.rows[0].latency.buckets(), row.latency.buckets());
}

TEST(BenchMerge, DifferentConfigurationsStayApart) {
  std::string one = run_json(samples(10, 900, 4), 1);
  std::string other = one;
  other.replace(other.find("\"mode\": 1"), 9, "\"mode\": 2");
  auto merged = handshake::merge_bench_json({"a.json", "b.json"}, {one, other});
  EXPECT_EQ(merged.rows.size(), 2u);
}

TEST(BenchMerge, BadInputNamesTheFile) {
  std::string good = run_json(samples(10, 900, 5), 1);
  auto refused = [](const std::string& text, const std::string& want) {
    try {
      handshake::merge_bench_json({"pod-3.json"}, {text});
      ADD_FAILURE() << "accepted: " << want;
    } catch (const io::InputError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find("pod-3.json"), std::string::npos) << what;
      EXPECT_NE(what.find(want), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  };
  refused("{\"tool\": ", "not JSON");
  std::string no_hist = good;
  no_hist.replace(no_hist.find("\"latency_histogram\""), 19, "\"x\"");
  refused(no_hist, "no \"latency_histogram\"");
  std::string wrong_count = good;
  wrong_count.replace(wrong_count.find("\"handshakes\": 10"), 16, "\"handshakes\": 11");
  refused(wrong_count, "the histogram holds 10 handshakes, the row 11");
}

}  // namespace
}  // namespace tlsmatrix
