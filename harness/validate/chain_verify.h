// One X509_verify_cert over a leaf, the certificates sent with it and a set of trust anchors.
// Validity dates are not checked here (the validity check reports them with their dates), so a
// chain result speaks only about issuers, signatures and CA flags.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

namespace tlsmatrix::validate {

struct ChainOptions {
  // Any certificate in the trust set may end the chain, even one that is not self-signed
  // (X509_V_FLAG_PARTIAL_CHAIN): grpc-core and Go accept a CA-signed leaf as the only root.
  bool partial_chain = true;
};

struct ChainResult {
  bool ok = false;
  int error = 0;            // X509_V_ERR_*
  std::string error_text;   // "unable to get local issuer certificate"
  std::string error_name;   // "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"-style short form
  int error_depth = -1;
  std::string failing_subject;  // subject of the certificate at error_depth
  std::vector<X509*> chain;     // the chain OpenSSL built (borrowed from the inputs), leaf first
};

ChainResult verify_chain(X509* leaf, const std::vector<X509*>& sent,
                         const std::vector<X509*>& anchors, const ChainOptions& options = {});

}  // namespace tlsmatrix::validate
