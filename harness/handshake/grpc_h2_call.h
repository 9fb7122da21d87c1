// `bench --layer grpc-server`: one unary gRPC call (grpc.health.v1.Health/Check) over a TLS
// connection that has negotiated ALPN h2, framed by nghttp2. This is the lean client that makes
// a gRPC server pay what it pays per new connection (preface, SETTINGS, HEADERS, DATA, trailers)
// without the client-side channel machinery a gRPC C-core client would add to the measurement.
#pragma once

#include <openssl/ssl.h>

#include <functional>
#include <string>

namespace tlsmatrix::handshake {

struct H2CallResult {
  bool ok = false;
  bool timed_out = false;  // `wait` returned false: the caller's deadline passed
  // The server ended the connection (alert, close, reset, GOAWAY) or answered with a non-zero
  // grpc-status: a refusal, counted by reason.
  bool refused = false;
  std::string error;  // worded the same each time for equal causes
};

// Sends the client preface, SETTINGS and one Health/Check request for the empty service, and
// reads until its trailers arrive with grpc-status 0. `wait(ssl_error)` blocks until the socket
// is ready for what OpenSSL asked (SSL_ERROR_WANT_READ/WRITE) and returns false once the
// caller's one deadline has passed. `why_closed(ssl_error, errno)` names how the server ended the
// connection, empty when it did not (a local failure).
H2CallResult grpc_health_check_h2(SSL* ssl, const std::string& authority,
                                  const std::function<bool(int)>& wait,
                                  const std::function<std::string(int, int)>& why_closed);

}  // namespace tlsmatrix::handshake
