// Fuzzes the certificate and private-key loaders (PEM blocks, DER, encrypted-key detection) with
// arbitrary bytes. A bad file must come back as an InputError starting with its name; any other
// exception or a sanitizer report is a bug, so it aborts and libFuzzer keeps the input.
#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "harness/certs/pem_io.h"
#include "harness/io/input_error.h"

namespace {

template <typename Fn>
void expect_value_or_input_error(Fn&& fn) {
  try {
    fn();
  } catch (const tlsmatrix::InputError& e) {
    if (std::string_view(e.what()).rfind("fuzz.pem: ", 0) != 0) {
      std::fprintf(stderr, "InputError does not start with the file name: %s\n", e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  expect_value_or_input_error([&] { tlsmatrix::parse_certs(bytes, "fuzz.pem"); });
  expect_value_or_input_error([&] { tlsmatrix::parse_private_key(bytes, "fuzz.pem"); });
  // A loader that left errors on OpenSSL's thread-local queue would mislead the next caller's
  // error message (a handshake failure reported with a stale PEM error).
  if (unsigned long err = ERR_peek_error(); err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    std::fprintf(stderr, "OpenSSL error queue not drained: %s\n", buf);
    std::abort();
  }
  return 0;
}
