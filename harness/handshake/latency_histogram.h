// Handshake latencies as a histogram with fixed, log-spaced buckets, so runs on different
// machines (`bench --json` from the pods of a Kubernetes Job) can be merged exactly: the merged
// histogram is the histogram of the pooled samples, and percentiles read from it equal those of
// one run over all of them. Bucket i holds latencies in [2^(i/16), 2^((i+1)/16)) µs: about 4.4%
// wide, so a percentile read from it is within 4.4% of the exact sample.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace tlsmatrix::handshake {

class LatencyHistogram {
 public:
  static constexpr int kBucketsPerOctave = 16;

  void add(double us);
  void add_bucket(int index, std::uint64_t count) { counts_[index] += count; }
  void merge(const LatencyHistogram& other);

  std::uint64_t total() const;
  // Nearest rank over the buckets: the upper bound of the bucket holding the ceil(p/100 * n)-th
  // smallest sample; 0 when empty. p in (0, 100].
  double percentile_us(double p) const;

  static int bucket_of(double us);
  static double upper_us(int index);
  static double lower_us(int index);
  const std::map<int, std::uint64_t>& buckets() const { return counts_; }

 private:
  std::map<int, std::uint64_t> counts_;  // bucket index -> count (only buckets with samples)
};

LatencyHistogram histogram_of(const std::vector<float>& latencies_us);

}  // namespace tlsmatrix::handshake
