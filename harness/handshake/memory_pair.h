// A client and a server SSL handshaking with each other in memory over a BIO pair: no sockets,
// no kernel, no scheduling. What this loop achieves per core is the library ceiling a socket
// benchmark is held against.
#pragma once

#include <string>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

// What one handshake did, as both ends saw it.
struct HandshakeOutcome {
  bool ok = false;
  bool resumed = false;             // the client's SSL_session_reused
  bool client_cert_seen = false;    // the server got a client certificate (mode 2)
  std::string error;                // when !ok; worded the same for the same reason
  // Why it failed, for the benchmark's counts and exit code (sockets only):
  bool unreachable = false;  // no TCP connection at all
  bool refused = false;      // the server said no: an alert, a close or a reset
  bool cut_off = false;      // the run ended first (SocketHandshaker::set_cutoff)
};

class MemoryPair {
 public:
  // Both contexts must outlive the pair.
  MemoryPair(SSL_CTX* server_ctx, SSL_CTX* client_ctx);

  // Runs one handshake between fresh SSL objects. When `session` is set the client offers it.
  // When `next_session` is non-null it receives the session the client ends up with (in TLS 1.3
  // that means reading the server's ticket, which the handshake alone does not do).
  HandshakeOutcome handshake(SSL_SESSION* session = nullptr,
                             ossl::SslSessionPtr* next_session = nullptr);

 private:
  SSL_CTX* server_ctx_;
  SSL_CTX* client_ctx_;
};

}  // namespace tlsmatrix::handshake
