// What a scenario catalogue costs to generate. The key pool is the point: a catalogue of ~35
// scenarios with 3-6 certificates each must come out in well under two seconds, which only works
// if each (key type, slot) is generated once per process and every further certificate is just
// a signature.
//
//   build/cert_factory_bench --benchmark_filter=Catalogue
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "harness/certs/cert_factory.h"

namespace tlsmatrix {
namespace {

constexpr int kScenarios = 35;

// A CA, an intermediate and three leaves: the shape of the larger catalogue scenarios.
std::vector<certs::CertSpec> five_cert_set(certs::KeyType type) {
  std::vector<certs::CertSpec> specs(5);
  const char* names[] = {"ca", "inter", "server", "client", "other"};
  for (int i = 0; i < 5; ++i) {
    specs[i].name = names[i];
    specs[i].cn = names[i];
    specs[i].key_type = type;
  }
  specs[0].ca = true;
  specs[1].ca = true;
  specs[1].issuer = "ca";
  for (int i = 2; i < 5; ++i) specs[i].issuer = "inter";
  specs[2].sans = {"DNS:localhost", "IP:127.0.0.1"};
  specs[2].ext_key_usage = {"serverAuth"};
  specs[3].ext_key_usage = {"clientAuth"};
  return specs;
}

// The whole catalogue from a cold pool, as one `tlsmatrix run` process sees it: the first set
// pays for the keys, the other 34 only sign.
void BM_CatalogueColdPool(benchmark::State& state) {
  const auto type = static_cast<certs::KeyType>(state.range(0));
  const auto specs = five_cert_set(type);
  for (auto _ : state) {
    certs::KeyPool pool;
    for (int i = 0; i < kScenarios; ++i) benchmark::DoNotOptimize(certs::build_cert_set(specs, pool));
  }
  state.counters["certs"] = benchmark::Counter(kScenarios * 5.0, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::string(to_string(type)) + ", 35 sets x 5 certs");
}
BENCHMARK(BM_CatalogueColdPool)
    ->Arg(static_cast<int>(certs::KeyType::rsa2048))
    ->Arg(static_cast<int>(certs::KeyType::ec_p256))
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5)
    ->MeasureProcessCPUTime()  // the pool warms keys on worker threads
    ->UseRealTime();

// One set once the pool is warm: the per-scenario cost after the first.
void BM_SetWarmPool(benchmark::State& state) {
  const auto type = static_cast<certs::KeyType>(state.range(0));
  const auto specs = five_cert_set(type);
  certs::KeyPool pool;
  certs::build_cert_set(specs, pool);
  for (auto _ : state) benchmark::DoNotOptimize(certs::build_cert_set(specs, pool));
  state.SetLabel(std::string(to_string(type)) + ", 5 certs");
}
BENCHMARK(BM_SetWarmPool)
    ->Arg(static_cast<int>(certs::KeyType::rsa2048))
    ->Arg(static_cast<int>(certs::KeyType::ec_p256))
    ->Unit(benchmark::kMillisecond);

// One key without the pool, for comparison.
void BM_GenerateKey(benchmark::State& state) {
  const auto type = static_cast<certs::KeyType>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(certs::generate_key(type));
  state.SetLabel(std::string(to_string(type)));
}
BENCHMARK(BM_GenerateKey)
    ->Arg(static_cast<int>(certs::KeyType::rsa2048))
    ->Arg(static_cast<int>(certs::KeyType::ec_p256))
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tlsmatrix
