// One TLS client connection to the endpoint, as a raw OpenSSL client: connect, handshake (SNI =
// server name, ALPN h2), then prove the connection is alive or see the server drop it. Records
// what a report needs: whether the server asked for a certificate, the chain it presented, the
// alert it sent and when, the negotiated version and cipher.
//
// Why the read after the handshake: under TLS 1.3 the client's handshake completes before the
// server has looked at the client's certificate, so a server that rejects the client says so only
// in an alert that follows. The attempt sends the HTTP/2 preface and waits a short time: a SETTINGS
// frame (a gRPC server) or other data proves the connection alive; an alert or close means
// rejection; silence until the short wait ends counts as alive and is labelled as such.
//
// Who ended a connection that did not get through is recorded too: only the server's doing (its
// alert, or its close after it saw the client's certificate) says anything about its policy.
// When this client's own OpenSSL stops the handshake (a certificate list beyond its size limit,
// a message it cannot parse), the server decided nothing, and the attempt is neither accepted
// nor rejected.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness/certs/pem_io.h"
#include "harness/ossl/ossl_ptr.h"
#include "harness/probe/endpoint.h"

namespace tlsmatrix::probe {

// A client certificate (leaf first, then intermediates) with its key: the shape certs/pem_io.h
// loads (load_identity).
using ClientIdentity = certs::PemIdentity;

struct TlsAttemptOptions {
  std::string server_name;                    // SNI (not sent for IP literals) and report label
  const ClientIdentity* identity = nullptr;   // presented only if the server asks for one
  std::chrono::milliseconds timeout{5000};    // connect + handshake; the write after it
  std::chrono::milliseconds alive_wait{1000}; // silence this long after the handshake = alive
};

struct TlsAttempt {
  enum class Stage {
    connect_failed,    // no TCP connection
    timeout,           // connect or handshake did not finish in time
    handshake_failed,  // the handshake failed (see alert / error / not_tls)
    established,       // the client finished its handshake (see `after`)
  };
  // What happened after the client's handshake finished.
  enum class After {
    none,         // not established
    h2_settings,  // the server answered the HTTP/2 preface with SETTINGS: alive, speaking gRPC
    data,         // the server sent other data: alive
    quiet,        // nothing within alive_wait: taken as alive (a short wait, not proof)
    alert,        // the server sent an alert: rejected
    closed,       // the server closed the connection: rejected
    reset,        // the server reset the connection: rejected
    local_error,  // this client's OpenSSL refused what the server sent: nothing known
  };
  // Who ended a connection that failed (handshake_failed, or established and then ended).
  enum class EndedBy {
    nobody,  // it did not end, or it timed out / never connected
    server,  // an alert from the server, its close or its reset
    client,  // this client's own TLS stack stopped it (see `error`, `oversized`)
  };

  Stage stage = Stage::connect_failed;
  After after = After::none;
  bool server_hello = false;     // a ServerHello arrived (the endpoint speaks TLS)
  bool cert_requested = false;   // a CertificateRequest arrived
  bool cert_sent = false;        // we answered it with a certificate
  // Our Certificate message (empty when we have none) went out: from here on a server's close
  // can be its answer to what the client presented.
  bool client_certificate_message_sent = false;
  EndedBy ended_by = EndedBy::nobody;
  // The local failure was a handshake message beyond this client's size limit. When it was the
  // server's certificate list, `max_cert_list` is the limit it exceeded (OpenSSL's max_cert_list,
  // by default 100 KiB), else 0.
  bool oversized = false;
  long max_cert_list = 0;
  std::optional<int> alert;      // alert description the server sent (e.g. 116)
  bool alert_after_handshake = false;
  std::string error;             // OpenSSL's or the socket's words, when something failed
  std::chrono::milliseconds alive_wait{0};  // the wait that `quiet` stands for

  // From the TCP connection being up to the client's handshake finishing (established only).
  std::chrono::microseconds handshake_time{0};
  std::string version;  // "TLSv1.3"
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
  std::string alpn;     // "h2" or empty
  std::vector<ossl::X509Ptr> chain;            // as presented, leaf first
  std::vector<std::string> acceptable_ca_names; // CA names in the CertificateRequest

  // The server let this client in / turned it away, shown by what the server did: rejected
  // means an alert from the server, or its close or reset once it had the client's certificate
  // message (or, after the handshake, the whole client flight). Neither holds for timeouts,
  // connect failures, closes before the server saw the client's certificate, and failures of
  // this client's own TLS stack, which say nothing about the server's policy.
  bool accepted() const;
  bool rejected() const;
  // This client's own TLS stack ended the connection: the probe cannot judge the server.
  bool stopped_locally() const { return ended_by == EndedBy::client; }
  // One line for humans, e.g. "rejected after the handshake: alert 116 (certificate required)".
  std::string summary() const;
  // What stopped this client, for stopped_locally(): `error`, with the size limit when known.
  std::string local_failure_text() const;
};

TlsAttempt attempt_tls(const Endpoint& endpoint, const TlsAttemptOptions& options);

}  // namespace tlsmatrix::probe
