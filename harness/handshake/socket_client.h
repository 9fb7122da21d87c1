// The client end of the socket benchmark: one blocking TCP connection and TLS handshake at a
// time, every wait bounded by a timeout.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>
#include <string_view>

#include "harness/handshake/memory_pair.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

// How long the client waits for the server at each step (name lookup, connect, each read and
// write of the handshake).
inline constexpr std::chrono::milliseconds kSocketTimeout{5000};

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text;  // "127.0.0.1:4433"
};

Endpoint loopback_endpoint(int port);
// `bench --target`: "HOST:PORT" (net::parse_host_port), its first address, looked up within
// `timeout`. Throws InputError("--target ...") when it does not parse or resolve.
Endpoint resolve_endpoint(std::string_view host_port, std::chrono::milliseconds timeout = kSocketTimeout);

class SocketHandshaker {
 public:
  // `ctx` must outlive the handshaker.
  SocketHandshaker(SSL_CTX* ctx, Endpoint endpoint,
                   std::chrono::milliseconds timeout = kSocketTimeout);

  // Connects, handshakes, closes. As MemoryPair::handshake; the outcome's client_cert_seen is
  // always false (only the server knows).
  HandshakeOutcome handshake(SSL_SESSION* session = nullptr,
                             ossl::SslSessionPtr* next_session = nullptr);

 private:
  SSL_CTX* ctx_;
  Endpoint endpoint_;
  std::chrono::milliseconds timeout_;
};

}  // namespace tlsmatrix::handshake
