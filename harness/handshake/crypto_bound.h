// The crypto bound: how many handshakes per second the cores could do if they did nothing but the
// public-key operations and key derivations one handshake of a configuration needs. Each
// operation is timed with OpenSSL's EVP API on this machine, so the bound moves with the CPU.
#pragma once

#include <string>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/handshake/handshake_config.h"

namespace tlsmatrix::handshake {

struct CryptoOp {
  std::string name;  // "server: sign (CertificateVerify)"
  double us = 0;     // measured cost of one operation
  int count = 1;     // how many a handshake does
};

struct CryptoBound {
  std::vector<CryptoOp> ops;  // what one handshake does, both ends
  double us_per_handshake = 0;
  double per_s = 0;  // cores / cost
};

// `certs` is the configuration's set (make_bench_certs); `cores` how many cores to credit.
// Timings of the same operation are cached for the life of the process.
CryptoBound measure_crypto_bound(const certs::CertSet& certs, const HandshakeConfig& config, int cores);

}  // namespace tlsmatrix::handshake
