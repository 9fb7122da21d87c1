#include "harness/handshake/socket_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cerrno>
#include <cstring>

#include "harness/handshake/tls_contexts.h"
#include "harness/io/input_error.h"
#include "harness/net/host_port.h"
#include "harness/net/resolve.h"

namespace tlsmatrix::handshake {

Endpoint loopback_endpoint(int port) {
  Endpoint ep;
  auto* in = reinterpret_cast<sockaddr_in*>(&ep.addr);
  in->sin_family = AF_INET;
  in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  in->sin_port = htons(static_cast<std::uint16_t>(port));
  ep.len = sizeof(sockaddr_in);
  ep.text = "127.0.0.1:" + std::to_string(port);
  return ep;
}

Endpoint resolve_endpoint(std::string_view host_port, std::chrono::milliseconds timeout) {
  net::HostPort target = net::parse_host_port(host_port, "--target");
  net::Resolution resolved = net::resolve(target.host, target.port, timeout);
  if (resolved.addresses.empty()) throw InputError("--target " + target.text() + ": " + resolved.error);
  const net::Address& first = resolved.addresses.front();
  Endpoint ep;
  ep.addr = first.storage;
  ep.len = first.len;
  ep.text = target.text();
  return ep;
}

SocketHandshaker::SocketHandshaker(SSL_CTX* ctx, Endpoint endpoint, std::chrono::milliseconds timeout)
    : ctx_(ctx), endpoint_(std::move(endpoint)), timeout_(timeout) {}

namespace {

// Closes the socket however the handshake ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::string failure(const char* what) {
  const int err = errno;  // before anything else can overwrite it
  std::string queue = ossl::drain_errors();
  std::string out = what;
  if (!queue.empty()) out += ": " + queue;
  else if (err != 0) out += std::string(": ") + std::strerror(err);
  return out;
}

std::string timed_out(std::chrono::milliseconds timeout) {
  return " timed out (nothing within " + std::to_string(timeout.count()) + " ms)";
}

}  // namespace

HandshakeOutcome SocketHandshaker::handshake(SSL_SESSION* session, ossl::SslSessionPtr* next_session) {
  HandshakeOutcome out;
  Fd sock{socket(endpoint_.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (sock.fd < 0) {
    out.error = failure("socket");
    return out;
  }
  // Blocking I/O with timeouts: SO_SNDTIMEO bounds connect() too on Linux.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout_.count() % 1000) * 1000);
  int one = 1;
  setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(sock.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(sock.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  errno = 0;
  if (connect(sock.fd, reinterpret_cast<const sockaddr*>(&endpoint_.addr), endpoint_.len) != 0) {
    // Linux reports an expired SO_SNDTIMEO on connect() as EINPROGRESS.
    out.error = errno == EINPROGRESS ? "connect to " + endpoint_.text + timed_out(timeout_)
                                     : failure(("connect to " + endpoint_.text).c_str());
    return out;
  }
  ossl::SslPtr ssl(SSL_new(ctx_));
  // SNI as every real client sends it.
  if (!ssl || SSL_set_fd(ssl.get(), sock.fd) != 1 ||
      SSL_set_tlsext_host_name(ssl.get(), kServerName) != 1) {
    out.error = failure("SSL_new");
    return out;
  }
  if (session != nullptr) SSL_set_session(ssl.get(), session);
  errno = 0;
  int rc = SSL_connect(ssl.get());
  if (rc != 1) {
    int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      // The socket blocks, so the only way to end up wanting more is SO_RCVTIMEO/SO_SNDTIMEO
      // running out: the socket BIO takes their EAGAIN for "retry", not for an error.
      ossl::drain_errors();
      out.error = "handshake with " + endpoint_.text + timed_out(timeout_);
      return out;
    }
    out.error = failure("handshake failed");
    return out;
  }
  out.ok = true;
  out.resumed = SSL_session_reused(ssl.get()) == 1;
  if (next_session != nullptr) {
    if (SSL_version(ssl.get()) == TLS1_3_VERSION) {
      // The ticket follows the handshake; the server closes after sending it, so this read
      // ends at the ticket and EOF (or the timeout).
      char byte;
      (void)SSL_read(ssl.get(), &byte, 1);
      ERR_clear_error();
    }
    next_session->reset(SSL_get1_session(ssl.get()));
  }
  // We close without a close_notify (the benchmark times handshakes, not shutdowns); telling
  // OpenSSL the connection ended cleanly keeps it from marking the session not resumable.
  SSL_set_shutdown(ssl.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  return out;
}

}  // namespace tlsmatrix::handshake
