// One benchmark configuration: which tlsMode, key type, TLS version and whether the handshake is
// a resumption. Shared by the engine, the CLI and the Google Benchmark suites.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/certs/cert_spec.h"

namespace tlsmatrix::handshake {

enum class TlsVersion { tls12, tls13 };

// "1.2" / "1.3".
std::optional<TlsVersion> parse_tls_version(std::string_view text);
std::string_view to_string(TlsVersion version);

// The key types the benchmark covers (the matrix); others are valid for certificates
// but not benchmarked.
const std::vector<std::string_view>& bench_key_names();

struct HandshakeConfig {
  int mode = 1;  // Milvus tlsMode: 1 server auth, 2 mutual
  certs::KeyType key = certs::KeyType::rsa2048;
  TlsVersion tls = TlsVersion::tls13;
  bool resume = false;  // resumed (session ticket) instead of full handshakes
};

// "mode 1 rsa2048 TLS1.3 full"
std::string describe(const HandshakeConfig& config);

}  // namespace tlsmatrix::handshake
