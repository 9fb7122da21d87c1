// What a server saw of one connection, as `tlsmatrix serve` prints it: a handshake refused (and
// why, in the taxonomy's words), a client certificate verified, an RPC served.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "harness/verdict/reason.h"

namespace tlsmatrix::endpoints {

struct ServerEvent {
  // An RPC names its connection (peer); a handshake event from gRPC (the client-certificate
  // check, a log line) does not; a connection event is serve's closing line for one connection.
  enum class Kind { handshake, rpc, connection };
  Kind kind = Kind::handshake;
  bool ok = true;
  verdict::Reason reason = verdict::Reason::ok;
  std::string peer;    // "127.0.0.1:54321" when known
  std::string detail;  // "peer did not return a certificate", "RPC /grpc.health.v1.Health/Check"
};

// Called from gRPC's threads; must be thread-safe.
using ServerEventSink = std::function<void(const ServerEvent&)>;

// "12:00:01.123 fail client_cert_missing: peer did not return a certificate"
// "12:00:01.456 pass ok: RPC /grpc.health.v1.Health/Check from 127.0.0.1:54321"
std::string format_server_event(const ServerEvent& e, std::chrono::system_clock::time_point when);

// A gRPC log message about a failed server-side handshake -> the event, in the taxonomy's words.
// nullopt for messages that are not about a handshake, and for "certificate verify failed",
// which follows the server's own client-certificate check (reported by that check instead).
std::optional<ServerEvent> server_event_from_grpc_log(std::string_view message);

// gRPC's peer string ("ipv4:127.0.0.1:54321", "ipv6:[::1]:5") without the scheme.
std::string peer_address(std::string_view grpc_peer);

}  // namespace tlsmatrix::endpoints
