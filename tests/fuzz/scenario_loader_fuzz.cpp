// Fuzzes the strict scenario loader with arbitrary bytes. Bad YAML must come back as an
// InputError naming the file; any other exception escaping is a bug (the CLI would print
// "internal error" instead of the file and line), so it aborts and libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "harness/io/input_error.h"
#include "harness/scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    tlsmatrix::parse_scenario(text, "fuzz.yaml");
  } catch (const tlsmatrix::InputError& e) {
    if (std::string_view(e.what()).rfind("fuzz.yaml:", 0) != 0) {
      std::fprintf(stderr, "InputError does not start with the file name: %s\n", e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
