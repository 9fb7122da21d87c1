// What a presented certificate says, as the probe reports it (terminal and JSON).
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tlsmatrix::probe {

struct CertInfo {
  std::string subject;            // "CN=localhost, O=Milvus"
  std::string issuer;
  std::vector<std::string> sans;  // "DNS:localhost", "IP:127.0.0.1"
  std::string key_type;           // "RSA", "EC", "ED25519"
  std::string key_detail;         // "RSA 2048", "EC P-256", "Ed25519"
  int key_bits = 0;
  std::string signature_digest;   // "SHA256"; "none" for Ed25519
  std::string not_before;         // "2026-11-23 04:30:00 UTC"
  std::string not_after;
  std::int64_t not_after_unix = 0;  // seconds since the epoch (the exporter's expiry timestamp)
  long days_left = 0;             // whole days until notAfter, negative once expired
  bool not_yet_valid = false;
  bool expired = false;
  bool self_signed = false;       // subject equals issuer and the signature is its own
  bool ca = false;
};

CertInfo describe_cert(X509* cert, std::chrono::system_clock::time_point now =
                                       std::chrono::system_clock::now());

}  // namespace tlsmatrix::probe
