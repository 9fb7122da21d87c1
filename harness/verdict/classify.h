// Names the outcome of one cell from everything both ends observed. The real RPC decides pass or
// fail; the reason comes from what the server saw (its configuration, its client-certificate
// check), the modes, and the profile engine's view of the server chain, because the client's
// status message alone cannot tell "no client certificate" from "plaintext client" (both are
// "Socket closed") nor one certificate fault from another ("certificate verify failed").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/verdict/profile.h"
#include "harness/verdict/reason.h"

namespace tlsmatrix::verdict {

struct CellObservation {
  int server_mode = 0;
  std::string server_config_error;  // non-empty: the server did not start

  bool client_secure = false;
  bool client_sends_cert = false;
  bool client_config_error = false;
  int status_code = 0;  // grpc::StatusCode of the RPC
  std::string client_message;

  // The server refused the ClientHello by its profile's rules (an SNI ending with a dot, for
  // Milvus's Go server): why. Empty when it did not.
  std::string server_refused_hello;

  // Mode 2: the server's client-certificate check.
  bool server_check_called = false;
  int server_x509_error = 0;
  std::string server_check_text;

  // The profile engine's view of the server chain (secure client, TLS server).
  std::optional<ProfileVerdict> server_chain;
  // True when the engine ran inside the handshake (it decided pass/fail itself); false when the
  // real gRPC C-core client decided and the engine only names the reason.
  bool engine_decides = false;
};

// Starts the detail of a cell where the engine and the real handshake disagree.
inline constexpr std::string_view kDisagreementMarker = "HARNESS DISAGREEMENT";

struct CellVerdict {
  Verdict verdict;
  std::string detail;
  // The engine and the real handshake disagree about pass/fail: a harness bug, said loudly.
  bool disagreement = false;
};

CellVerdict classify(const CellObservation& obs);

// The server's reason for a client chain that failed with `x509_error` (X509_V_OK: ok).
Reason client_cert_reason(int x509_error);

}  // namespace tlsmatrix::verdict
