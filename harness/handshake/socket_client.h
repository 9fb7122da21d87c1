// The client end of the socket benchmark: one TCP connection and TLS handshake at a time, the
// whole of it (connect, handshake, the server's answer) bounded by one deadline computed when
// the handshake starts. Non-blocking I/O with poll: a per-read timeout would restart with every
// byte, and a server trickling one byte a second would hold the handshake forever.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <string_view>

#include "harness/handshake/memory_pair.h"
#include "harness/handshake/tls_contexts.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

// How long one handshake may take in total by default (connect, handshake and, where it is
// waited for, the server's answer after it); also the name lookup's bound for --target.
inline constexpr std::chrono::milliseconds kHandshakeTimeout{5000};

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // "127.0.0.1:4433"
  std::string host;  // as given: the default name to verify and send as SNI
};

Endpoint loopback_endpoint(int port);
// `bench --target`: "HOST:PORT" (net::parse_host_port), its first address, looked up within
// `timeout`. Throws InputError("--target ...") when it does not parse or resolve.
Endpoint resolve_endpoint(std::string_view host_port, std::chrono::milliseconds timeout = kHandshakeTimeout);

struct SocketOptions {
  std::chrono::milliseconds timeout = kHandshakeTimeout;  // the whole handshake
  std::string sni = kServerName;  // empty: no SNI (an IP literal)
  // Under TLS 1.3 a server judges the client's certificate after the client's handshake has
  // finished, and refuses it with an alert then. With `confirm`, a TLS 1.3 handshake in which the
  // server asked for a certificate counts only once the server has answered after it (a session
  // ticket or data); its alert or close is a refusal. Under TLS 1.2 the server's Finished already
  // comes after its check, and without a certificate request there is nothing left to judge.
  bool confirm = false;
  // With ALPN h2 selected, send the HTTP/2 client preface while waiting for that answer: a gRPC
  // server answers it with SETTINGS even when it sends no session ticket.
  bool h2_preface = false;
  // `bench --layer grpc-server`: after the handshake, one unary gRPC Health/Check over HTTP/2
  // (grpc_h2_call.h) within the same deadline; the handshake counts once its grpc-status 0 is
  // in. It confirms a TLS 1.3 mode-2 handshake by itself (the server's refusal ends the call).
  bool grpc_call = false;
  std::string authority = kServerName;  // the call's :authority
};

// What a handshake showed of the server (bench --target reports it).
struct Negotiated {
  bool completed = false;       // the client's handshake finished (what follows is set)
  std::string version;          // "TLSv1.3"
  std::string cipher;
  std::string alpn;             // "h2" or empty
  bool cert_requested = false;  // the server sent a CertificateRequest
  bool cert_sent = false;       // and we answered with a certificate
  bool answered = false;        // the server spoke after the handshake (ticket or data)
  ossl::X509Ptr server_cert;    // the leaf it presented
};

class SocketHandshaker {
 public:
  // `ctx` must outlive the handshaker.
  SocketHandshaker(SSL_CTX* ctx, Endpoint endpoint,
                   std::chrono::milliseconds timeout = kHandshakeTimeout);
  SocketHandshaker(SSL_CTX* ctx, Endpoint endpoint, SocketOptions options);

  // No handshake runs past `cutoff` (the end of a benchmark run): one still in flight then ends
  // with cut_off set.
  void set_cutoff(std::chrono::steady_clock::time_point cutoff) { cutoff_ = cutoff; }

  // Connects, handshakes, closes. As MemoryPair::handshake; the outcome's client_cert_seen is
  // always false (only the server knows). `seen`, when given, receives what the server showed.
  HandshakeOutcome handshake(SSL_SESSION* session = nullptr,
                             ossl::SslSessionPtr* next_session = nullptr, Negotiated* seen = nullptr);

 private:
  SSL_CTX* ctx_;
  Endpoint endpoint_;
  SocketOptions options_;
  std::chrono::steady_clock::time_point cutoff_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace tlsmatrix::handshake
