// Read-only facts about one certificate: validity, CA and self-signed flags, key, signature
// digest, extendedKeyUsage. Every command reads certificates through these, so `validate`,
// `probe`, `run`'s caveats and the profile engine agree on what a certificate is.
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <string>
#include <vector>

namespace tlsmatrix::x509 {

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
// OpenSSL's type name ("RSA", "EC", "ED25519"); "unknown" when it has none.
std::string key_type(const EVP_PKEY* key);
// Security bits of the key as OpenSSL's security levels count them (112 = level 2).
int key_security_bits(const EVP_PKEY* key);

// The signature's digest ("SHA256", "SHA1", "none" for Ed25519) and its security bits
// (-1 when unknown).
struct SignatureInfo {
  std::string digest;
  int security_bits = -1;
  bool sha1 = false;         // what Go refuses
  bool weak_digest = false;  // MD5 or SHA-1: what OpenSSL's security level 2 refuses
};
SignatureInfo signature_info(X509* cert);

// extendedKeyUsage purposes by short name ("serverAuth, clientAuth"); empty without an EKU.
std::vector<std::string> ext_key_usage_names(const X509* cert);

// Compares certificates by content.
bool same_cert(const X509* a, const X509* b);

}  // namespace tlsmatrix::x509
