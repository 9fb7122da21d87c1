// What each fuzz target checks for one input, shared with the unit test that replays
// tests/fuzz/regressions/ (tests/unit/fuzz_regressions_test.cpp), so the replay asserts exactly
// what the fuzzer did. Each returns "" when the input was handled well: parsed, or refused with
// an InputError that starts with the file's name. Anything else is described in the result.
#pragma once

#include <openssl/err.h>

#include <exception>
#include <string>
#include <string_view>

#include "harness/certs/pem_io.h"
#include "harness/io/input_error.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/validate/milvus_config.h"

namespace tlsmatrix::fuzz {

inline constexpr const char* kOrigin = "fuzz-input";

template <typename Fn>
std::string value_or_input_error(Fn&& fn) {
  try {
    fn();
  } catch (const io::InputError& e) {
    if (std::string_view(e.what()).rfind(std::string(kOrigin) + ":", 0) != 0) {
      return std::string("InputError does not start with the file name: ") + e.what();
    }
  } catch (const std::exception& e) {
    // The CLI would print "internal error" instead of the file and what is wrong with it.
    return std::string("unexpected exception: ") + e.what();
  }
  return "";
}

inline std::string check_scenario_loader(std::string_view data) {
  return value_or_input_error([&] { scenario::parse_scenario(data, kOrigin); });
}

inline std::string check_milvus_yaml(std::string_view data) {
  return value_or_input_error([&] { validate::parse_milvus_config(data, kOrigin); });
}

inline std::string check_pem(std::string_view data) {
  std::string problem = value_or_input_error([&] { certs::parse_certs(data, kOrigin); });
  if (problem.empty()) problem = value_or_input_error([&] { certs::parse_private_key(data, kOrigin); });
  // A loader that leaves errors on OpenSSL's thread-local queue misleads the next caller's
  // message (a handshake failure reported with a stale PEM error).
  if (problem.empty()) {
    if (unsigned long err = ERR_peek_error(); err != 0) {
      char buf[256];
      ERR_error_string_n(err, buf, sizeof buf);
      problem = std::string("OpenSSL error queue not drained: ") + buf;
      ERR_clear_error();
    }
  }
  return problem;
}

}  // namespace tlsmatrix::fuzz
