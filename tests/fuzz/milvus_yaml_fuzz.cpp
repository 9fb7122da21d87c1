// Fuzzes validate's milvus.yaml reader (checks: tests/fuzz/fuzz_checks.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string problem = tlsmatrix::fuzz::check_milvus_yaml(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "%s\n", problem.c_str());
    std::abort();  // libFuzzer keeps the input as a crash artifact
  }
  return 0;
}
