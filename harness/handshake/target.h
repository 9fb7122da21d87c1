// `bench --target`: before measuring an external server, one handshake finds out what it really
// does (TLS version, key type, whether it asks for a client certificate), so the rows describe
// that server and the ceiling and the bound are computed for the same configuration, instead of
// a matrix of key types and modes the server never had.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "harness/handshake/handshake_config.h"
#include "harness/handshake/socket_client.h"
#include "harness/handshake/tls_contexts.h"

namespace tlsmatrix::handshake {

// What the target showed in one handshake, for the console, the reports and the row.
struct TargetFacts {
  std::string version;      // "TLSv1.3"
  std::string cipher;
  std::string alpn;         // "h2" or empty
  std::string server_key;   // "EC P-256", "RSA 2048"
  bool cert_requested = false;
  bool cert_sent = false;
  std::string verified;     // "verified against ca.pem for localhost", or "not verified (--insecure)"
};

struct TargetSurvey {
  HandshakeOutcome outcome;  // the survey handshake itself
  TargetFacts facts;         // set when the TLS negotiation finished (config too)
  // What to measure: mode 2 when the server asked for a certificate and we sent one, the
  // server's key type, the negotiated version, full handshakes. Empty when the handshake did
  // not get that far or the key is of a type the ceiling cannot mirror (see `problem`).
  std::optional<HandshakeConfig> config;
  std::string problem;
};

// One handshake with the target, answered or refused (SocketOptions::confirm), within `timeout`.
TargetSurvey survey_target(const Endpoint& endpoint, const TargetClient& client,
                           std::optional<TlsVersion> tls, std::chrono::milliseconds timeout);

// The socket options every connection to the target uses.
SocketOptions target_socket_options(const Endpoint& endpoint, const TargetClient& client,
                                    std::chrono::milliseconds timeout);

// The benchmark key type of a server key ("RSA 2048" -> rsa2048); nullopt for others.
std::optional<certs::KeyType> bench_key_type(const EVP_PKEY* key);

}  // namespace tlsmatrix::handshake
