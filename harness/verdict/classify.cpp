#include "harness/verdict/classify.h"

#include <openssl/x509.h>

#include "harness/x509/verify.h"

namespace tlsmatrix::verdict {

namespace {

// grpc::StatusCode values used here (kept numeric so this module does not need gRPC headers).
constexpr int kDeadlineExceeded = 4;

const char* status_name(int code) {
  static const char* const names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                                      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? names[code] : "?";
}

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// The gRPC C-core client's words for a server certificate it refused (docs/reasons.md).
bool client_refused_server_cert(const std::string& msg) {
  return contains(msg, "certificate verify failed") || contains(msg, "is not in peer certificate");
}

// gRPC wraps the cause in words that change from run to run (the port) or say nothing about it.
std::string readable_status_message(std::string msg) {
  for (std::string_view noise : {"failed to connect to all addresses; last error: "}) {
    for (std::size_t at; (at = msg.find(noise)) != std::string::npos;) msg.erase(at, noise.size());
  }
  // "UNAVAILABLE: ipv4:127.0.0.1:40931: Socket closed" -> "Socket closed". Plain string scans:
  // std::regex trips GCC 12's -Wmaybe-uninitialized in sanitizer builds.
  for (std::string_view status : {"UNAVAILABLE: ", "UNKNOWN: "}) {
    for (std::size_t at = 0; (at = msg.find(status, at)) != std::string::npos;) {
      std::size_t addr = at + status.size();
      std::size_t end = msg.find(": ", addr);
      bool is_address = msg.compare(addr, 5, "ipv4:") == 0 || msg.compare(addr, 5, "ipv6:") == 0;
      if (is_address && end != std::string::npos && msg.find(' ', addr) > end) {
        msg.erase(at, end + 2 - at);
      } else {
        at = addr;
      }
    }
  }
  return msg;
}

std::string describe_observation(const CellObservation& o) {
  std::string d = "client: ";
  d += std::string(status_name(o.status_code)) +
       (o.client_message.empty() ? "" : ": " + readable_status_message(o.client_message));
  const bool engine_refuses = o.server_chain && !o.server_chain->ok();
  const bool server_cert_refused =
      o.status_code != 0 && (engine_refuses || (!o.engine_decides && client_refused_server_cert(o.client_message)));
  if (o.server_mode == 2) {
    d += "; server: ";
    if (server_cert_refused) {
      // The cell is decided by the refusal of the server's certificate. Whether the server's own
      // check had run by the time the client hung up is a race, and naming its result would make
      // two runs of one cell report different things; what is certain is that it does not count.
      d += "its check does not count, the server certificate was refused";
    } else if (!o.server_check_called) {
      d += "no client certificate reached its check";
    } else if (o.server_x509_error == 0) {
      d += "client certificate accepted";
    } else {
      d += "client certificate refused: " + o.server_check_text;
    }
  }
  // An in-handshake verifier already put its words into the client's message.
  if (o.server_chain && !o.server_chain->ok() && !contains(o.client_message, o.server_chain->detail)) {
    d += "; " + o.server_chain->detail;
  }
  return d;
}

// libssl's own-chain checks when it sends the client's chain (ssl_add_cert_chain /
// ssl_security_cert_chain); a refused server chain reads "certificate verify failed" instead.
bool own_chain_refused(const std::string& message) {
  for (std::string_view words : {"ca md too weak", "ee key too small", "ca key too small"}) {
    if (contains(message, words)) return true;
  }
  return false;
}

}  // namespace

Reason client_cert_reason(int x509_error) {
  switch (x509::classify_x509_error(x509_error)) {
    case x509::ChainFault::none: return Reason::ok;
    case x509::ChainFault::untrusted: return Reason::client_cert_unknown_ca;
    case x509::ChainFault::expired: return Reason::client_cert_expired;
    case x509::ChainFault::not_yet_valid: return Reason::client_cert_not_yet_valid;
    case x509::ChainFault::invalid: return Reason::client_cert_invalid;
  }
  return Reason::client_cert_invalid;
}

CellVerdict classify(const CellObservation& o) {
  CellVerdict out;
  auto fail = [&out](Reason r) { out.verdict = Verdict{Outcome::fail, r}; };
  if (!o.server_config_error.empty()) {
    fail(Reason::server_config_error);
    out.detail = "server did not start: " + o.server_config_error;
    return out;
  }
  if (o.client_config_error) {
    fail(Reason::client_config_error);
    out.detail = "client cannot load its files: " + o.client_message;
    return out;
  }
  const bool server_tls = o.server_mode == 1 || o.server_mode == 2;
  out.detail = describe_observation(o);
  const bool engine_refuses = o.server_chain && !o.server_chain->ok();

  if (o.status_code == 0) {
    out.verdict = Verdict{Outcome::pass, Reason::ok};
    if (engine_refuses && !o.engine_decides) {
      out.disagreement = true;
      out.detail = std::string(kDisagreementMarker) + ": gRPC accepted the server, the engine says " +
                   std::string(to_string(o.server_chain->reason)) + "; " + out.detail;
    } else if (o.server_mode == 2 && o.server_check_called && o.server_x509_error != 0) {
      out.disagreement = true;
      out.detail = std::string(kDisagreementMarker) + ": the RPC succeeded although the server's check refused the client "
                   "certificate; " + out.detail;
    }
    return out;
  }
  if (o.client_secure && !server_tls) return fail(Reason::tls_to_plaintext), out;
  if (!o.client_secure && server_tls) return fail(Reason::plaintext_to_tls), out;

  if (o.client_secure && server_tls) {
    // The server ended the handshake at the ClientHello: the client never saw a certificate.
    if (!o.server_refused_hello.empty()) {
      fail(Reason::protocol_mismatch);
      out.detail += "; server refused the ClientHello: " + o.server_refused_hello;
      return out;
    }
    if (engine_refuses) {
      fail(o.server_chain->reason);
      if (!o.engine_decides && !client_refused_server_cert(o.client_message) &&
          !(o.server_mode == 2 && o.server_check_called && o.server_x509_error != 0)) {
        out.disagreement = true;
        out.detail = std::string(kDisagreementMarker) + ": the engine refuses the server certificate but the client did not "
                     "say so; " + out.detail;
      }
      return out;
    }
    if (!o.engine_decides && client_refused_server_cert(o.client_message)) {
      fail(Reason::unclassified);
      out.disagreement = true;
      out.detail = std::string(kDisagreementMarker) + ": gRPC refused the server certificate, the engine accepts it; " + out.detail;
      return out;
    }
    if (o.server_mode == 2) {
      if (o.server_check_called && o.server_x509_error != 0) return fail(client_cert_reason(o.server_x509_error)), out;
      if (!o.server_check_called && !o.client_sends_cert) return fail(Reason::client_cert_missing), out;
      // The client's own OpenSSL would not send the chain it built for its certificate (from its
      // trust store too) at its security level: its own files, refused before the server saw any.
      if (!o.server_check_called && o.client_sends_cert && own_chain_refused(o.client_message)) {
        fail(Reason::client_config_error);
        out.detail += "; the client's own OpenSSL refused to send its certificate chain";
        return out;
      }
    }
  }
  if (o.status_code == kDeadlineExceeded) return fail(Reason::timeout), out;
  fail(Reason::unclassified);
  return out;
}

}  // namespace tlsmatrix::verdict
