#include "harness/ossl/process_init.h"

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace tlsmatrix::ossl {

void init_for_process() {
  if (OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, nullptr) != 1) {
    throw std::runtime_error("OpenSSL failed to initialize");
  }
}

}  // namespace tlsmatrix::ossl
