// The certificate set Milvus's TLS guide has users make by hand: one CA, a server certificate
// and a client certificate signed by it (files ca, server, client). `certs gen` writes it, and
// anything that needs a plain working set can build it the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/certs/cert_spec.h"

namespace tlsmatrix::certs {

struct MilvusLayoutOptions {
  std::string cn = "localhost";
  // subjectAltName entries; empty = the CN, localhost and IP:127.0.0.1.
  std::vector<std::string> sans;
  KeyType key_type = KeyType::rsa2048;
  int leaf_days = 825;  // the CA/Browser limit that Apple and others enforce
  int ca_days = 3650;   // raised to leaf_days when that is longer, so the CA outlives its leaves
};

// "DNS:x", "IP:1.2.3.4", "URI:u" stay as they are; a bare address becomes IP:, any other bare
// name DNS:. Empty entries are dropped by the caller, not here.
std::string normalize_san(std::string_view entry);

// Specs for ca, server (EKU serverAuth) and client (EKU clientAuth), issuers first.
std::vector<CertSpec> milvus_layout(const MilvusLayoutOptions& options);

}  // namespace tlsmatrix::certs
