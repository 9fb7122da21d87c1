// A real gRPC client for one cell: a fresh channel (own subchannel, so its own handshake)
// configured as pymilvus configures it, and one grpc.health.v1.Health/Check RPC with a deadline.
// The grpc-core profile uses gRPC's own SslCredentials; other profiles use TlsCredentials with
// gRPC's server verification off and the profile engine as the certificate verifier.
#pragma once

#include <chrono>
#include <string>

#include "harness/verdict/profile.h"

namespace tlsmatrix::endpoints {

// The client side after pymilvus's rules (docs/milvus-rules.md) have been applied.
struct ClientSetup {
  bool secure = false;
  std::string trust_pem;    // root certificates
  std::string trust_label;  // where they came from, e.g. "server_pem_path (server.pem)"
  std::string cert_chain_pem;  // empty: no client certificate is sent
  std::string key_pem;
  std::string cert_label = "client_pem_path";
  std::string key_label = "client_key_path";
  std::string server_name;  // SSL target-name override; empty = none (the dialled host)
  // The host dialled, as in a gRPC target: 127.0.0.1, localhost or [::1] (IPv6 in brackets).
  std::string dial_host = "127.0.0.1";
  // The TLS versions offered (TLS1_2_VERSION, TLS1_3_VERSION); 0: the stack's own (1.2 to 1.3).
  int tls_min = 0;
  int tls_max = 0;
  // The server asks for a client certificate (tlsMode 2): the client's chain is sent, and so
  // checked against the client's own security level.
  bool cert_requested = false;
  // The caller has already checked that the files load (the handshake benchmark, which makes
  // thousands of channels from generated files): skip the per-call check, which parses every
  // certificate a second time.
  bool files_checked = false;
};

struct ClientOutcome {
  bool config_error = false;  // the client could not load its files; `message` says why
  int status_code = 0;        // grpc::StatusCode of the RPC
  std::string message;        // the status message (or the config error)
  // Set when the profile engine ran inside the handshake (non-native profiles).
  bool verifier_called = false;
  verdict::ProfileVerdict verifier_verdict;
  // Set when the client could not be set up as asked for reasons of the harness's own (its TLS
  // version range did not reach gRPC's context): no verdict may be drawn from the call.
  std::string harness_trouble;
  bool ok() const { return !config_error && status_code == 0; }
};

// Dials `setup.dial_host`:port and makes one Health/Check call that must finish within `deadline`.
ClientOutcome call_health_check(int port, const ClientSetup& setup, const verdict::ClientProfile& profile,
                                std::chrono::milliseconds deadline);

// The name the client checks the server certificate against: the override, else the dialled
// host without its brackets ("::1" for "[::1]", as gRPC splits the target).
std::string checked_name(const ClientSetup& setup);

// Empty when the client's roots and (if any) certificate and key load and can be sent; else why
// not, one line. The own chain is checked by `profile`'s rules (null: gRPC C-core's).
// call_health_check runs it on every call unless `files_checked` says the caller already did.
std::string client_files_error(const ClientSetup& setup, const verdict::ClientProfile* profile = nullptr);

}  // namespace tlsmatrix::endpoints
