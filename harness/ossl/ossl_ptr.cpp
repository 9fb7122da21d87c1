#include "harness/ossl/ossl_ptr.h"

#include <openssl/err.h>

namespace tlsmatrix::ossl {

std::string drain_errors() {
  std::string out;
  unsigned long code = 0;
  const char* file = nullptr;
  int line = 0;
  while ((code = ERR_get_error_all(&file, &line, nullptr, nullptr, nullptr)) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

namespace {
std::string with_queue(std::string_view what) {
  std::string msg(what);
  std::string queue = drain_errors();
  if (!queue.empty()) msg += ": " + queue;
  return msg;
}
}  // namespace

Error::Error(std::string_view what) : std::runtime_error(with_queue(what)) {}

}  // namespace tlsmatrix::ossl
