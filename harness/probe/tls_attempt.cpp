#include "harness/probe/tls_attempt.h"

#include <openssl/err.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "harness/net/ip_literal.h"
#include "harness/ossl/ssl_call.h"
#include "harness/ossl/tls_alert.h"
#include "harness/x509/names.h"
#include "harness/probe/cert_info.h"
#include "harness/probe/deadline.h"
#include "harness/probe/h2_frames.h"

namespace tlsmatrix::probe {

namespace {

// Per-connection state the OpenSSL callbacks write into (reached through the SSL's app data).
struct CallbackState {
  TlsAttempt* result = nullptr;
  const ClientIdentity* identity = nullptr;
  bool handshake_done = false;
};

CallbackState* state_of(const SSL* ssl) {
  return static_cast<CallbackState*>(SSL_get_app_data(ssl));
}

// Sees every record and handshake message in clear, so it can tell a ServerHello and a
// CertificateRequest (encrypted under TLS 1.3) and the alert the server sent.
void on_message(int write_p, int /*version*/, int content_type, const void* buf, size_t len,
                SSL* ssl, void* /*arg*/) {
  CallbackState* st = state_of(ssl);
  if (st == nullptr || len < 1) return;
  const auto* b = static_cast<const unsigned char*>(buf);
  if (write_p != 0) {
    // Ours: only whether the client's Certificate message (possibly empty) went out.
    if (content_type == SSL3_RT_HANDSHAKE && b[0] == SSL3_MT_CERTIFICATE) {
      st->result->client_certificate_message_sent = true;
    }
    return;
  }
  if (content_type == SSL3_RT_HANDSHAKE) {
    if (b[0] == SSL3_MT_SERVER_HELLO) st->result->server_hello = true;
    if (b[0] == SSL3_MT_CERTIFICATE_REQUEST) st->result->cert_requested = true;
  } else if (content_type == SSL3_RT_ALERT && len >= 2) {
    // Keep the first alert: it is the server's reason; later ones are teardown.
    if (!st->result->alert) {
      st->result->alert = b[1];
      st->result->alert_after_handshake = st->handshake_done;
    }
  }
}

// Called when the server asks for a certificate and none is set: hand over ours, if any.
int on_client_cert(SSL* ssl, X509** x509, EVP_PKEY** pkey) {
  CallbackState* st = state_of(ssl);
  st->result->cert_requested = true;
  if (st->identity == nullptr || st->identity->chain.empty()) return 0;  // send no certificate
  // OpenSSL takes ownership of what the callback returns.
  *x509 = ossl::up_ref(st->identity->chain.front().get()).release();
  *pkey = ossl::up_ref(st->identity->key.get()).release();
  st->result->cert_sent = true;
  return 1;
}

ossl::SslCtxPtr make_ctx(const ClientIdentity* identity) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  ossl::check(ctx != nullptr, "SSL_CTX_new");
  // The probe observes; each client profile judges the chain afterwards with its own rules.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  // Level 0 so that a weak server key or digest is reported rather than refused unseen.
  SSL_CTX_set_security_level(ctx.get(), 0);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof kAlpn);
  SSL_CTX_set_client_cert_cb(ctx.get(), on_client_cert);
  if (identity != nullptr) {
    // Intermediates go out with whichever leaf the callback supplies.
    for (std::size_t i = 1; i < identity->chain.size(); ++i) {
      // The SSL_CTX takes the reference only when the call succeeds.
      ossl::X509Ptr extra = ossl::up_ref(identity->chain[i].get());
      ossl::check(SSL_CTX_add_extra_chain_cert(ctx.get(), extra.get()) == 1,
                  "adding a client intermediate");
      extra.release();
    }
  }
  return ctx;
}

// Waits for what OpenSSL said it needs. False when the deadline passed.
bool wait_io(int fd, int ssl_error, const Deadline& deadline) {
  pollfd p{fd, static_cast<short>(ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0};
  for (;;) {
    int n = ::poll(&p, 1, deadline.remaining_ms());
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;
  }
}

// Who ended a connection that failed with `ssl_error`. Call before the error queue is drained.
// The server's doing: its alert (recorded by on_message), its close or reset (a socket error, a
// clean close, OpenSSL's "unexpected eof"). Anything else OpenSSL reports is this client
// refusing what it received.
TlsAttempt::EndedBy who_ended(SSL* ssl, int ssl_error, TlsAttempt& out) {
  if (out.alert) return TlsAttempt::EndedBy::server;
  if (ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_ZERO_RETURN) {
    return TlsAttempt::EndedBy::server;
  }
  const unsigned long e = ERR_peek_error();
  if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    return TlsAttempt::EndedBy::server;
  }
  if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_EXCESSIVE_MESSAGE_SIZE) {
    out.oversized = true;
    // The state machine moves to the message it reads before checking its size.
    if (SSL_get_state(ssl) == TLS_ST_CR_CERT) out.max_cert_list = SSL_get_max_cert_list(ssl);
  }
  return TlsAttempt::EndedBy::client;
}

// OpenSSL's error queue, or the socket error, as one line.
std::string failure_text(int ssl_error, int saved_errno) {
  std::string queue = ossl::drain_errors();
  if (!queue.empty()) return queue;
  if (ssl_error == SSL_ERROR_SYSCALL) {
    return saved_errno == 0 ? "the server closed the connection" : std::strerror(saved_errno);
  }
  if (ssl_error == SSL_ERROR_ZERO_RETURN) return "the server closed the connection (close_notify)";
  return "SSL error " + std::to_string(ssl_error);
}

void record_session(SSL* ssl, TlsAttempt& out) {
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      out.chain.push_back(ossl::up_ref(sk_X509_value(chain, i)));
    }
  }
  if (STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(ssl)) {
    for (int i = 0; i < sk_X509_NAME_num(names); ++i) {
      out.acceptable_ca_names.push_back(x509::name_text(sk_X509_NAME_value(names, i)));
    }
  }
}

// After the handshake: say HTTP/2 and watch what comes back for `alive_wait`.
void watch_after_handshake(SSL* ssl, int fd, const TlsAttemptOptions& options, TlsAttempt& out) {
  const std::string& preface = h2_client_preface();
  // A budget of its own (deadline.h): connect and handshake may have used up theirs.
  Deadline write_deadline(options.timeout);
  std::string write_error;
  for (;;) {
    ERR_clear_error();
    int rc = SSL_write(ssl, preface.data(), static_cast<int>(preface.size()));
    if (rc > 0) break;
    int e = SSL_get_error(ssl, rc);
    if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) && wait_io(fd, e, write_deadline)) {
      continue;
    }
    // The server may already have sent its alert and closed; the read below finds out.
    write_error = failure_text(e, errno);
    break;
  }

  Deadline deadline(options.alive_wait);
  std::string bytes;
  char buf[4096];
  for (;;) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_read(ssl, buf, sizeof buf);
    if (rc > 0) {
      bytes.append(buf, static_cast<std::size_t>(rc));
      if (bytes.size() < kH2FrameHeaderBytes) continue;
      out.after = classify_reply(bytes) == ReplyKind::h2_settings ? TlsAttempt::After::h2_settings
                                                                    : TlsAttempt::After::data;
      return;
    }
    int e = SSL_get_error(ssl, rc);
    int saved_errno = errno;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      if (wait_io(fd, e, deadline)) continue;
      out.after = bytes.empty() ? TlsAttempt::After::quiet : TlsAttempt::After::data;
      return;
    }
    out.ended_by = who_ended(ssl, e, out);
    if (out.ended_by == TlsAttempt::EndedBy::client) {
      out.after = TlsAttempt::After::local_error;
    } else if (out.alert) {
      out.after = TlsAttempt::After::alert;
    } else if (e == SSL_ERROR_SYSCALL && (saved_errno == ECONNRESET || saved_errno == EPIPE)) {
      out.after = TlsAttempt::After::reset;
    } else {
      out.after = TlsAttempt::After::closed;
    }
    out.error = failure_text(e, saved_errno);
    if (!write_error.empty() && out.after != TlsAttempt::After::alert &&
        out.after != TlsAttempt::After::local_error) {
      out.error = write_error;
    }
    return;
  }
}

}  // namespace

TlsAttempt attempt_tls(const Endpoint& endpoint, const TlsAttemptOptions& options) {
  TlsAttempt out;
  out.alive_wait = options.alive_wait;
  Deadline deadline(options.timeout);
  ConnectResult conn = connect_tcp(endpoint, deadline);
  if (!conn.socket) {
    out.stage = conn.timed_out ? TlsAttempt::Stage::timeout : TlsAttempt::Stage::connect_failed;
    out.error = conn.error;
    return out;
  }
  const int fd = conn.socket.fd();
  const auto handshake_start = std::chrono::steady_clock::now();

  ossl::SslCtxPtr ctx = make_ctx(options.identity);
  ossl::SslPtr ssl(SSL_new(ctx.get()));
  ossl::check(ssl != nullptr, "SSL_new");
  CallbackState state{&out, options.identity, false};
  SSL_set_app_data(ssl.get(), &state);
  SSL_set_msg_callback(ssl.get(), on_message);
  SSL_set_fd(ssl.get(), fd);
  if (!options.server_name.empty() && !net::is_ip_literal(options.server_name)) {
    SSL_set_tlsext_host_name(ssl.get(), options.server_name.c_str());
  }

  for (;;) {
    const ossl::SslCall c = ossl::ssl_call(ssl.get(), [&] { return SSL_connect(ssl.get()); });
    if (c.rc == 1) break;
    const int e = c.err;
    const int saved_errno = c.saved_errno;
    if (c.wants_io()) {
      if (wait_io(fd, e, deadline)) continue;
      out.stage = TlsAttempt::Stage::timeout;
      out.error = "the TLS handshake did not finish within " + io::seconds_text(options.timeout);
      record_session(ssl.get(), out);
      return out;
    }
    out.stage = TlsAttempt::Stage::handshake_failed;
    out.ended_by = who_ended(ssl.get(), e, out);
    out.error = failure_text(e, saved_errno);
    record_session(ssl.get(), out);
    return out;
  }
  state.handshake_done = true;
  out.handshake_time = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - handshake_start);
  out.stage = TlsAttempt::Stage::established;
  out.version = SSL_get_version(ssl.get());
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl.get())) out.cipher = SSL_CIPHER_get_name(c);
  const unsigned char* alpn = nullptr;
  unsigned int alpn_len = 0;
  SSL_get0_alpn_selected(ssl.get(), &alpn, &alpn_len);
  out.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
  record_session(ssl.get(), out);
  watch_after_handshake(ssl.get(), fd, options, out);
  return out;
}

bool TlsAttempt::accepted() const {
  return stage == Stage::established &&
         (after == After::h2_settings || after == After::data || after == After::quiet);
}

bool TlsAttempt::rejected() const {
  if (ended_by != EndedBy::server) return false;
  if (alert) return true;
  // A close or reset answers the client only once the server had what the client presented.
  if (stage == Stage::established) return after == After::closed || after == After::reset;
  return stage == Stage::handshake_failed && client_certificate_message_sent;
}

std::string TlsAttempt::local_failure_text() const {
  if (max_cert_list > 0) {
    return "the server's certificate list is larger than this client accepts (OpenSSL's "
           "max_cert_list, " + std::to_string(max_cert_list) + " bytes): " + error;
  }
  if (oversized) return "a handshake message from the server is larger than this client accepts: " + error;
  return error;
}

std::string TlsAttempt::summary() const {
  auto alert_text = [&] {
    return "alert " + std::to_string(*alert) + " (" + ossl::alert_name(*alert) + ")";
  };
  switch (stage) {
    case Stage::connect_failed: return "could not connect: " + error;
    case Stage::timeout: return "timed out: " + error;
    case Stage::handshake_failed:
      if (alert) return "handshake failed: the server sent " + alert_text();
      if (!server_hello) return "handshake failed before any ServerHello: " + error;
      if (stopped_locally()) return "the probe's own TLS client stopped the handshake: " + local_failure_text();
      if (cert_requested && !client_certificate_message_sent) {
        return "handshake failed before the client's certificate was sent: " + error;
      }
      return "handshake failed: " + error;
    case Stage::established: break;
  }
  switch (after) {
    case After::h2_settings: return "connected; the server answered HTTP/2 SETTINGS over TLS";
    case After::data: return "connected; the server sent data";
    case After::quiet:
      return "connected; no alert or close within " + io::seconds_text(alive_wait) + " (a short wait)";
    case After::alert: return "rejected after the handshake: the server sent " + alert_text();
    case After::closed: return "rejected after the handshake: the server closed the connection";
    case After::reset: return "rejected after the handshake: the server reset the connection";
    case After::local_error:
      return "connected, then the probe's own TLS client stopped the connection: " +
             local_failure_text();
    case After::none: break;
  }
  return "connected";
}

}  // namespace tlsmatrix::probe
