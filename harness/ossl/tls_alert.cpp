#include "harness/ossl/tls_alert.h"

#include <openssl/ssl.h>

#include <cstring>

namespace tlsmatrix::ossl {

std::string alert_name(int description) {
  // OpenSSL 3.0 has no names for the alerts TLS 1.3 added.
  switch (description) {
    case 109: return "missing extension";
    case 115: return "unknown PSK identity";
    case 116: return "certificate required";
    case 120: return "no application protocol";
  }
  const char* name = SSL_alert_desc_string_long(description);
  if (name == nullptr || std::strcmp(name, "unknown") == 0) return "unnamed";
  return std::string(name);
}

}  // namespace tlsmatrix::ossl
