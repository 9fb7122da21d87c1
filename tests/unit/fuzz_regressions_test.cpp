// Replays every input under tests/fuzz/regressions/TARGET/ through the same check as that fuzz
// target (tests/fuzz/fuzz_checks.h), in the ordinary build: a crash the fuzzer once found, fixed
// since, must stay fixed even where clang and libFuzzer are absent. Under build-asan this also
// catches memory errors on those inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "tests/fuzz/fuzz_checks.h"

namespace tlsmatrix {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void replay(const std::string& target, const std::function<std::string(std::string_view)>& check) {
  fs::path dir = fs::path(TLSMATRIX_SOURCE_DIR) / "tests/fuzz/regressions" / target;
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(check(slurp(entry.path())), "");
    ++replayed;
  }
  // An empty folder would make this test pass without checking anything.
  EXPECT_GT(replayed, 0) << "no inputs in " << dir;
}

TEST(FuzzRegressions, ScenarioLoader) {
  replay("scenario_loader_fuzz", fuzz::check_scenario_loader);
}

TEST(FuzzRegressions, Pem) { replay("pem_fuzz", fuzz::check_pem); }

TEST(FuzzRegressions, MilvusYaml) { replay("milvus_yaml_fuzz", fuzz::check_milvus_yaml); }

}  // namespace
}  // namespace tlsmatrix
