#include "harness/handshake/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace tlsmatrix::handshake {

int LatencyHistogram::bucket_of(double us) {
  // Below 1 µs everything shares bucket 0: no handshake is that fast.
  if (!(us > 1)) return 0;
  return static_cast<int>(std::floor(std::log2(us) * kBucketsPerOctave));
}

double LatencyHistogram::lower_us(int index) { return std::exp2(static_cast<double>(index) / kBucketsPerOctave); }
double LatencyHistogram::upper_us(int index) { return lower_us(index + 1); }

void LatencyHistogram::add(double us) { ++counts_[bucket_of(us)]; }

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (const auto& [i, n] : other.counts_) counts_[i] += n;
}

std::uint64_t LatencyHistogram::total() const {
  std::uint64_t n = 0;
  for (const auto& [i, c] : counts_) n += c;
  return n;
}

double LatencyHistogram::percentile_us(double p) const {
  std::uint64_t n = total();
  if (n == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  std::uint64_t seen = 0;
  for (const auto& [i, c] : counts_) {
    seen += c;
    if (seen >= rank) return upper_us(i);
  }
  return upper_us(counts_.rbegin()->first);
}

LatencyHistogram histogram_of(const std::vector<float>& latencies_us) {
  LatencyHistogram h;
  for (float us : latencies_us) h.add(us);
  return h;
}

}  // namespace tlsmatrix::handshake
