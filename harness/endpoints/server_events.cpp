#include "harness/endpoints/server_events.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "harness/io/utc_time.h"

namespace tlsmatrix::endpoints {

namespace {

// OpenSSL's words for a failed server handshake -> what went wrong, from the server's side.
struct LogRule {
  std::string_view text;
  verdict::Reason reason;
  std::string_view explanation;
};

constexpr LogRule kRules[] = {
    {"peer did not return a certificate", verdict::Reason::client_cert_missing, ""},
    {"wrong version number", verdict::Reason::plaintext_to_tls, "the client did not speak TLS"},
    {"http request", verdict::Reason::plaintext_to_tls, "the client did not speak TLS"},
    {"packet length too long", verdict::Reason::plaintext_to_tls, "the client did not speak TLS"},
    {"unsupported protocol", verdict::Reason::protocol_mismatch, ""},
    {"version too low", verdict::Reason::protocol_mismatch, ""},
    {"no shared cipher", verdict::Reason::protocol_mismatch, ""},
    {"no protocols available", verdict::Reason::protocol_mismatch, ""},
    {"alert unknown ca", verdict::Reason::unknown_ca, "the client does not trust this server's certificate"},
    {"alert certificate expired", verdict::Reason::server_cert_expired, "the client says this server's certificate expired"},
};

}  // namespace

std::string format_server_event(const ServerEvent& e, std::chrono::system_clock::time_point when) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(ms));
  std::string line = io::utc_text(when, "%H:%M:%S") + millis + (e.ok ? " pass " : " fail ") + std::string(to_string(e.reason));
  if (!e.detail.empty()) line += ": " + e.detail;
  if (!e.peer.empty()) line += " from " + e.peer;
  return line;
}

std::optional<ServerEvent> server_event_from_grpc_log(std::string_view message) {
  if (message.find("Handshake failed") == std::string_view::npos) return std::nullopt;
  // "... SSL_ERROR_SSL: error:0A0000C7:SSL routines::peer did not return a certificate."
  std::string_view what = message;
  if (auto pos = what.rfind("::"); pos != std::string_view::npos) what.remove_prefix(pos + 2);
  while (!what.empty() && (what.back() == '.' || what.back() == ' ' || what.back() == '\n')) {
    what.remove_suffix(1);
  }
  if (what.find("certificate verify failed") != std::string_view::npos) return std::nullopt;
  ServerEvent e;
  e.ok = false;
  e.reason = verdict::Reason::unclassified;
  e.detail = std::string(what);
  for (const auto& rule : kRules) {
    if (what.find(rule.text) != std::string_view::npos) {
      e.reason = rule.reason;
      if (!rule.explanation.empty()) e.detail = std::string(rule.explanation) + " (" + std::string(what) + ")";
      return e;
    }
  }
  if (what.find("alert") != std::string_view::npos) {
    // bad certificate, certificate unknown, ...: the client refused us without saying which check.
    e.detail = "the client refused the handshake (" + std::string(what) + ")";
  }
  return e;
}

std::string peer_address(std::string_view grpc_peer) {
  for (std::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (grpc_peer.substr(0, scheme.size()) == scheme) return std::string(grpc_peer.substr(scheme.size()));
  }
  return std::string(grpc_peer);
}

}  // namespace tlsmatrix::endpoints
