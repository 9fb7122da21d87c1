#include "harness/handshake/memory_pair.h"

#include <openssl/err.h>

#include "harness/handshake/tls_contexts.h"

namespace tlsmatrix::handshake {

MemoryPair::MemoryPair(SSL_CTX* server_ctx, SSL_CTX* client_ctx)
    : server_ctx_(server_ctx), client_ctx_(client_ctx) {}

namespace {

// Advances one side; false when it failed (not merely waiting for the other side).
bool step(SSL* ssl, bool& done) {
  if (done) return true;
  int rc = SSL_do_handshake(ssl);
  if (rc == 1) {
    done = true;
    return true;
  }
  int err = SSL_get_error(ssl, rc);
  return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE;
}

}  // namespace

HandshakeOutcome MemoryPair::handshake(SSL_SESSION* session, ossl::SslSessionPtr* next_session) {
  HandshakeOutcome out;
  ossl::SslPtr client(SSL_new(client_ctx_));
  ossl::SslPtr server(SSL_new(server_ctx_));
  if (!client || !server) {
    out.error = "SSL_new: " + ossl::drain_errors();
    return out;
  }
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) {
    out.error = "BIO_new_bio_pair: " + ossl::drain_errors();
    return out;
  }
  SSL_set_bio(client.get(), client_bio, client_bio);  // each SSL now owns its end
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  ossl::check(SSL_set_tlsext_host_name(client.get(), kServerName) == 1, "setting SNI");
  SSL_set_accept_state(server.get());
  if (session != nullptr) SSL_set_session(client.get(), session);

  bool client_done = false;
  bool server_done = false;
  // A TLS handshake needs at most a handful of flights; the bound only stops a broken peer.
  for (int round = 0; round < 16 && !(client_done && server_done); ++round) {
    if (!step(client.get(), client_done) || !step(server.get(), server_done)) break;
  }
  if (!(client_done && server_done)) {
    out.error = "in-memory handshake failed: " + ossl::drain_errors();
    return out;
  }
  out.ok = true;
  out.resumed = SSL_session_reused(client.get()) == 1;
  out.client_cert_seen = SSL_get0_peer_certificate(server.get()) != nullptr;
  if (next_session != nullptr) {
    // TLS 1.3 tickets arrive after the handshake; a read processes them (and then wants more).
    char byte;
    (void)SSL_read(client.get(), &byte, 1);
    ERR_clear_error();
    next_session->reset(SSL_get1_session(client.get()));
  }
  // As over sockets: no close_notify, but a clean end, so the session stays resumable.
  SSL_set_shutdown(client.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  return out;
}

}  // namespace tlsmatrix::handshake
