#include "harness/handshake/socket_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <openssl/err.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "harness/handshake/grpc_h2_call.h"
#include "harness/io/duration_text.h"
#include "harness/io/input_error.h"
#include "harness/net/host_port.h"
#include "harness/net/resolve.h"
#include "harness/ossl/ssl_call.h"
#include "harness/ossl/tls_alert.h"
#include "harness/probe/h2_frames.h"

namespace tlsmatrix::handshake {

using Clock = std::chrono::steady_clock;

Endpoint loopback_endpoint(int port) {
  Endpoint ep;
  auto* in = reinterpret_cast<sockaddr_in*>(&ep.addr);
  in->sin_family = AF_INET;
  in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  in->sin_port = htons(static_cast<std::uint16_t>(port));
  ep.len = sizeof(sockaddr_in);
  ep.text = "127.0.0.1:" + std::to_string(port);
  ep.host = "127.0.0.1";
  return ep;
}

Endpoint resolve_endpoint(std::string_view host_port, std::chrono::milliseconds timeout) {
  net::HostPort target = net::parse_host_port(host_port, "--target");
  net::Resolution resolved = net::resolve(target.host, target.port, timeout);
  if (resolved.addresses.empty()) throw io::InputError("--target " + target.text() + ": " + resolved.error);
  const net::Address& first = resolved.addresses.front();
  Endpoint ep;
  ep.addr = first.storage;
  ep.len = first.len;
  ep.text = target.text();
  ep.host = target.host;
  return ep;
}

namespace {

// A server that refuses us closes the connection while we may still write (the HTTP/2 preface,
// a gRPC request): that is EPIPE on this connection, counted as a refusal, not SIGPIPE ending
// the benchmark. Only the in-process server ignored it before; a --target run has none.
void ignore_sigpipe() { ::signal(SIGPIPE, SIG_IGN); }

}  // namespace

SocketHandshaker::SocketHandshaker(SSL_CTX* ctx, Endpoint endpoint, std::chrono::milliseconds timeout)
    : ctx_(ctx), endpoint_(std::move(endpoint)) {
  options_.timeout = timeout;
  ignore_sigpipe();
}

SocketHandshaker::SocketHandshaker(SSL_CTX* ctx, Endpoint endpoint, SocketOptions options)
    : ctx_(ctx), endpoint_(std::move(endpoint)), options_(std::move(options)) {
  ignore_sigpipe();
}

namespace {

// Closes the socket however the handshake ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// What the server sent, seen by OpenSSL's message callback in clear (TLS 1.3 encrypts the
// CertificateRequest, the ticket and the alerts).
struct Seen {
  bool cert_requested = false;
  bool ticket = false;
  std::optional<int> alert;  // the first alert from the server: its reason
};

void on_message(int write_p, int /*version*/, int content_type, const void* buf, size_t len,
                SSL* /*ssl*/, void* arg) {
  auto* seen = static_cast<Seen*>(arg);
  if (seen == nullptr || write_p != 0 || len < 1) return;
  const auto* b = static_cast<const unsigned char*>(buf);
  if (content_type == SSL3_RT_HANDSHAKE) {
    if (b[0] == SSL3_MT_CERTIFICATE_REQUEST) seen->cert_requested = true;
    if (b[0] == SSL3_MT_NEWSESSION_TICKET) seen->ticket = true;
  } else if (content_type == SSL3_RT_ALERT && len >= 2 && !seen->alert) {
    seen->alert = b[1];
  }
}

// The handshake's one deadline: its own timeout from the start, or the run's cutoff if earlier.
class Deadline {
 public:
  Deadline(std::chrono::milliseconds timeout, Clock::time_point cutoff)
      : at_(Clock::now() + timeout), cut_(cutoff < at_) {
    if (cut_) at_ = cutoff;
  }
  // Waits until `fd` is ready for `events`; false once the deadline has passed.
  bool wait(int fd, short events) const {
    for (;;) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd, events, 0};
      int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 0x7fffffff)));
      if (n > 0) return true;
      if (n < 0 && errno != EINTR) return true;  // let the next I/O call report it
    }
  }
  bool wait_ssl(int fd, int ssl_error) const {
    return wait(fd, ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN);
  }
  // The run's end came first: the handshake is cut off, not failed.
  bool cut() const { return cut_; }

 private:
  Clock::time_point at_;
  bool cut_;
};

bool unreachable_errno(int err) {
  return err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH || err == ETIMEDOUT;
}

std::string alert_text(int description) {
  return "alert " + std::to_string(description) + " (" + ossl::alert_name(description) + ")";
}

// Why the server's side of a connection ended, once OpenSSL reported an error: the alert it
// sent, a close, a reset. Empty when the server did not end it (a local failure).
std::string server_ended(int ssl_error, int saved_errno, const Seen& seen) {
  if (seen.alert && *seen.alert != SSL_AD_CLOSE_NOTIFY) return "the server sent " + alert_text(*seen.alert);
  if (ssl_error == SSL_ERROR_SYSCALL && (saved_errno == ECONNRESET || saved_errno == EPIPE)) {
    return "the server reset the connection";
  }
  if (ssl_error == SSL_ERROR_ZERO_RETURN || (ssl_error == SSL_ERROR_SYSCALL && saved_errno == 0) ||
      seen.alert) {
    return "the server closed the connection";
  }
  return {};
}

}  // namespace

HandshakeOutcome SocketHandshaker::handshake(SSL_SESSION* session, ossl::SslSessionPtr* next_session,
                                             Negotiated* seen_out) {
  HandshakeOutcome out;
  const Deadline deadline(options_.timeout, cutoff_);
  // The deadline passed during `stage`.
  auto expired = [&](const std::string& stage) {
    ossl::drain_errors();
    if (deadline.cut()) {
      out.cut_off = true;
      out.error = "cut off: the run ended during the " + stage;
    } else {
      out.error = stage + " timed out (not finished within " + io::seconds_text(options_.timeout) + ")";
    }
    return out;
  };

  Fd sock{socket(endpoint_.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (sock.fd < 0) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  int one = 1;
  setsockopt(sock.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(sock.fd, reinterpret_cast<const sockaddr*>(&endpoint_.addr), endpoint_.len) != 0) {
    int err = errno;
    if (err == EINPROGRESS) {
      if (!deadline.wait(sock.fd, POLLOUT)) {
        out.unreachable = !deadline.cut();
        return expired("connect");
      }
      socklen_t len = sizeof err;
      if (getsockopt(sock.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    }
    if (err != 0) {
      out.unreachable = unreachable_errno(err);
      out.error = std::string("connect: ") + std::strerror(err);
      return out;
    }
  }

  ossl::SslPtr ssl(SSL_new(ctx_));
  if (!ssl || SSL_set_fd(ssl.get(), sock.fd) != 1 ||
      (!options_.sni.empty() && SSL_set_tlsext_host_name(ssl.get(), options_.sni.c_str()) != 1)) {
    out.error = "SSL_new: " + ossl::drain_errors();
    return out;
  }
  Seen seen;
  SSL_set_msg_callback(ssl.get(), on_message);
  SSL_set_msg_callback_arg(ssl.get(), &seen);
  if (session != nullptr) SSL_set_session(ssl.get(), session);

  auto record = [&] {
    if (seen_out == nullptr) return;
    seen_out->cert_requested = seen.cert_requested;
    seen_out->cert_sent = seen.cert_requested && SSL_get_certificate(ssl.get()) != nullptr;
    seen_out->server_cert.reset(SSL_get1_peer_certificate(ssl.get()));
  };

  for (;;) {
    const ossl::SslCall c = ossl::ssl_call(ssl.get(), [&] { return SSL_connect(ssl.get()); });
    if (c.rc == 1) break;
    const int err = c.err;
    const int saved_errno = c.saved_errno;
    if (c.wants_io() && deadline.wait_ssl(sock.fd, err)) continue;
    record();
    if (c.wants_io()) return expired("handshake");
    if (long v = SSL_get_verify_result(ssl.get()); v != X509_V_OK) {
      ossl::drain_errors();
      out.error = std::string("the server's certificate did not verify: ") +
                  X509_verify_cert_error_string(v);
    } else if (std::string why = server_ended(err, saved_errno, seen); !why.empty()) {
      ossl::drain_errors();
      out.refused = true;
      out.error = "refused during the handshake: " + why;
    } else {
      std::string queue = ossl::drain_errors();
      out.error = "handshake failed: " +
                  (!queue.empty() ? queue : saved_errno != 0 ? std::strerror(saved_errno) : "SSL error " + std::to_string(err));
    }
    return out;
  }
  record();
  const bool tls13 = SSL_version(ssl.get()) == TLS1_3_VERSION;
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl.get(), &alpn, &alpn_len);
  if (seen_out != nullptr) {
    seen_out->completed = true;
    seen_out->version = SSL_get_version(ssl.get());
    if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl.get())) seen_out->cipher = SSL_CIPHER_get_name(c);
    seen_out->alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  }

  // Reads until the server has said something after the handshake. `need_word`: a ticket or
  // data must come (else the wait runs out); otherwise a ticket is only collected if it comes
  // before the server closes.
  bool answered = false;
  auto await_answer = [&](bool need_word) -> bool {
    char buf[512];
    for (;;) {
      if (seen.ticket) return answered = true;
      ERR_clear_error();
      errno = 0;
      int rc = SSL_read(ssl.get(), buf, sizeof buf);
      if (rc > 0) return answered = true;
      int err = SSL_get_error(ssl.get(), rc);
      int saved_errno = errno;
      if (seen.ticket) return answered = true;
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (deadline.wait_ssl(sock.fd, err)) continue;
        if (!need_word) {
          ossl::drain_errors();
          return false;
        }
        expired("wait for the server's answer after the handshake");
        if (!out.cut_off) {
          out.error = "no answer from the server after the handshake within " +
                      io::seconds_text(options_.timeout) +
                      " (a TLS 1.3 server judges the client certificate then)";
        }
        return false;
      }
      std::string why = server_ended(err, saved_errno, seen);
      std::string queue = ossl::drain_errors();
      if (!need_word) return false;
      if (why.empty()) {
        // Not the server's word: the connection broke on our side of it.
        out.error = "failed after the handshake: " +
                    (!queue.empty() ? queue : "SSL error " + std::to_string(err));
        return false;
      }
      out.refused = true;
      out.error = "refused after the handshake: " + why;
      return false;
    }
  };

  if (options_.grpc_call) {
    if (alpn_len != 2 || std::memcmp(alpn, "h2", 2) != 0) {
      out.error = "the server did not select ALPN h2: no gRPC call possible";
      return out;
    }
    H2CallResult call = grpc_health_check_h2(
        ssl.get(), options_.authority, [&](int err) { return deadline.wait_ssl(sock.fd, err); },
        [&](int err, int saved_errno) { return server_ended(err, saved_errno, seen); });
    if (call.timed_out) return expired("gRPC call");
    if (!call.ok) {
      out.refused = call.refused;
      out.error = std::move(call.error);
      return out;
    }
    answered = true;
  } else if (options_.confirm && tls13 && seen.cert_requested) {
    if (options_.h2_preface && alpn_len == 2 && std::memcmp(alpn, "h2", 2) == 0) {
      const std::string& preface = probe::h2_client_preface();
      for (;;) {
        ERR_clear_error();
        int rc = SSL_write(ssl.get(), preface.data(), static_cast<int>(preface.size()));
        if (rc > 0) break;
        int err = SSL_get_error(ssl.get(), rc);
        if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) && deadline.wait_ssl(sock.fd, err)) {
          continue;
        }
        break;  // a refusing server may have closed already; the read below says how
      }
    }
    if (!await_answer(true)) {
      if (seen_out != nullptr) seen_out->answered = false;
      return out;
    }
  }
  if (next_session != nullptr) {
    // A TLS 1.3 ticket follows the handshake; our in-process server closes after sending it.
    if (tls13 && !seen.ticket) await_answer(false);
    next_session->reset(SSL_get1_session(ssl.get()));
  }
  if (seen_out != nullptr) seen_out->answered = answered;
  out.ok = true;
  out.resumed = SSL_session_reused(ssl.get()) == 1;
  // We close without a close_notify (the benchmark times handshakes, not shutdowns); telling
  // OpenSSL the connection ended cleanly keeps it from marking the session not resumable.
  SSL_set_shutdown(ssl.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  return out;
}

}  // namespace tlsmatrix::handshake
