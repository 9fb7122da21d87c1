// The benchmarks' main: OpenSSL set up the way the CLI sets it up, then Google Benchmark.
#include <benchmark/benchmark.h>

#include "harness/ossl/process_init.h"

int main(int argc, char** argv) {
  tlsmatrix::ossl::init_for_process();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
