// Certificate specs for tests, and a plain chain check over what the factory made. Specs default
// to EC P-256 keys (fast to generate); a test about RSA says so.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

#include "harness/certs/cert_spec.h"
#include "harness/x509/verify.h"

namespace tlsmatrix::testutil {

// A certificate `name` issued by `issuer` ("" = self-signed), CN = name.
inline certs::CertSpec spec(std::string name, std::string issuer = "", bool ca = false,
                     certs::KeyType type = certs::KeyType::ec_p256) {
  certs::CertSpec s;
  s.name = std::move(name);
  s.issuer = std::move(issuer);
  s.ca = ca;
  s.key_type = type;
  s.cn = s.name;
  return s;
}

// A CA with subject CN `cn`: a self-signed root, or an intermediate issued by `issuer`.
inline certs::CertSpec ca_spec(std::string name, std::string cn, std::string issuer = "") {
  certs::CertSpec s = spec(std::move(name), std::move(issuer), /*ca=*/true);
  s.cn = std::move(cn);
  return s;
}

// A leaf issued by `issuer` with subject CN `cn`, subjectAltNames `sans` ("DNS:x", "IP:y") and
// extendedKeyUsage `eku` ("serverAuth").
inline certs::CertSpec leaf_spec(std::string name, std::string issuer, std::string cn,
                          std::vector<std::string> sans = {}, std::vector<std::string> eku = {}) {
  certs::CertSpec s = spec(std::move(name), std::move(issuer));
  s.cn = std::move(cn);
  s.sans = std::move(sans);
  s.ext_key_usage = std::move(eku);
  return s;
}

// Verifies `leaf` against `root` as the only trust anchor with `untrusted` as intermediates,
// with X509_verify_cert's own defaults. Returns X509_V_OK or the verification error.
inline int verify_chain(X509* leaf, X509* root, const std::vector<X509*>& untrusted = {}) {
  return x509::verify(leaf, untrusted, {root}, {}).error;
}

}  // namespace tlsmatrix::testutil
