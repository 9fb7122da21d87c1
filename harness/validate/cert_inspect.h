// Read-only facts about one certificate, phrased the way the validation report shows them.
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <string>
#include <vector>

namespace tlsmatrix::validate {

// "CN=localhost" when there is a CN, else the whole subject in RFC 2253 form. (The names a
// certificate carries, SANs and CN, come from cert_names in harness/verdict/hostname_match.h.)
std::string subject_label(X509* cert);

// In whole seconds: a system_clock time_point (nanoseconds) overflows past 2262, and a CA valid
// to 9999-12-31 (RFC 5280's "no expiry") would read as long expired.
std::chrono::sys_seconds not_before(const X509* cert);
std::chrono::sys_seconds not_after(const X509* cert);

// "3 days", or "5 hours" under two days, where whole days would round to a misleading 0 or 1.
std::string span_text(std::chrono::sys_seconds from, std::chrono::sys_seconds to);

// Subject equals issuer and the signature verifies with the certificate's own key.
bool is_self_signed(X509* cert);
bool is_ca(X509* cert);  // basicConstraints CA:TRUE

// "RSA 2048", "EC P-256", "Ed25519"
std::string key_label(const EVP_PKEY* key);
// Security bits of the key as OpenSSL's security levels count them (112 = level 2).
int key_security_bits(const EVP_PKEY* key);

// The signature's digest ("SHA256", "SHA1", "none" for Ed25519) and its security bits
// (-1 when unknown).
struct SignatureInfo {
  std::string digest;
  int security_bits = -1;
  bool weak_digest = false;  // MD5 or SHA-1
};
SignatureInfo signature_info(X509* cert);

// extendedKeyUsage purposes by short name ("serverAuth, clientAuth"); empty without an EKU.
std::vector<std::string> ext_key_usage_names(const X509* cert);

// Compares certificates by content.
bool same_cert(const X509* a, const X509* b);

}  // namespace tlsmatrix::validate
