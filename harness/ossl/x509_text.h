// How certificate names read in every message and report: one function, so `run`, `validate`,
// `probe` and `certs` describe a certificate the same way.
#pragma once

#include <openssl/x509.h>

#include <string>

namespace tlsmatrix::ossl {

// "CN=localhost, O=milvus" in forward order, UTF-8 kept as is; "(empty)" for an empty name.
std::string name_text(const X509_NAME* name);

// name_text of the certificate's subject; "" for a null certificate.
std::string subject_text(const X509* cert);

}  // namespace tlsmatrix::ossl
