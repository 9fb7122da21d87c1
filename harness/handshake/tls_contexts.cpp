#include "harness/handshake/tls_contexts.h"

#include <openssl/x509_vfy.h>

#include "harness/net/ip_literal.h"

namespace tlsmatrix::handshake {

certs::CertSet make_bench_certs(certs::KeyType key) {
  certs::CertSpec ca;
  ca.name = "ca";
  ca.key_type = key;
  ca.cn = "tlsmatrix bench CA";
  ca.ca = true;

  certs::CertSpec server;
  server.name = "server";
  server.issuer = "ca";
  server.key_type = key;
  server.cn = kServerName;
  server.sans = {std::string("DNS:") + kServerName, "IP:127.0.0.1"};
  server.ext_key_usage = {"serverAuth"};

  certs::CertSpec client;
  client.name = "client";
  client.issuer = "ca";
  client.key_type = key;
  client.cn = "tlsmatrix bench client";
  client.ext_key_usage = {"clientAuth"};

  return certs::build_cert_set({ca, server, client});
}

namespace {

int protocol_version(TlsVersion v) { return v == TlsVersion::tls12 ? TLS1_2_VERSION : TLS1_3_VERSION; }

void pin_version(SSL_CTX* ctx, TlsVersion v) {
  int version = protocol_version(v);
  ossl::check(SSL_CTX_set_min_proto_version(ctx, version) == 1 &&
                  SSL_CTX_set_max_proto_version(ctx, version) == 1,
              "setting the TLS version");
}

// Reading whole TCP segments instead of a record header and then its body saves a system call
// per record over sockets (a TLS 1.3 server flight is several records).
void read_ahead(SSL_CTX* ctx) { SSL_CTX_set_read_ahead(ctx, 1); }

void use_identity(SSL_CTX* ctx, const certs::GeneratedCert& id) {
  ossl::check(SSL_CTX_use_certificate(ctx, id.cert.get()) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx, id.key.get()) == 1 &&
                  SSL_CTX_check_private_key(ctx) == 1,
              "loading the " + id.name + " certificate and key");
}

void trust_ca(SSL_CTX* ctx, const certs::GeneratedCert& ca) {
  ossl::check(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca.cert.get()) == 1,
              "adding the CA to the trust store");
}

}  // namespace

ossl::SslCtxPtr make_server_ctx(const certs::CertSet& certs, const HandshakeConfig& config) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  ossl::check(ctx != nullptr, "creating the server SSL_CTX");
  pin_version(ctx.get(), config.tls);
  read_ahead(ctx.get());
  use_identity(ctx.get(), certs.get("server"));
  // Resumption checks the session's context id; without one a mode-2 server refuses to resume.
  static const unsigned char kSidCtx[] = "tlsmatrix-bench";
  ossl::check(SSL_CTX_set_session_id_context(ctx.get(), kSidCtx, sizeof kSidCtx - 1) == 1,
              "setting the session id context");
  if (config.mode == 2) {
    trust_ca(ctx.get(), certs.get("ca"));
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (config.resume) {
    SSL_CTX_set_num_tickets(ctx.get(), 1);
  } else {
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx.get(), 0);
  }
  return ctx;
}

ossl::SslCtxPtr make_client_ctx(const certs::CertSet& certs, const HandshakeConfig& config,
                                const ClientOptions& options) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  ossl::check(ctx != nullptr, "creating the client SSL_CTX");
  pin_version(ctx.get(), config.tls);
  read_ahead(ctx.get());
  if (options.verify_server) {
    trust_ca(ctx.get(), certs.get("ca"));
    ossl::check(X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ctx.get()), kServerName, 0) == 1,
                "setting the expected server name");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  if (config.mode == 2) use_identity(ctx.get(), certs.get("client"));
  // The benchmark hands sessions over itself; OpenSSL's client cache would only add locking.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (!config.resume) SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  // The warm-up read that collects a TLS 1.3 ticket ends at the server's close without a
  // close_notify; as a fatal error that would make the fresh session unresumable.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  return ctx;
}

ossl::SslCtxPtr make_files_server_ctx(const std::vector<X509*>& chain, EVP_PKEY* key, int mode,
                                      const std::vector<X509*>& client_cas, TlsVersion tls) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  ossl::check(ctx != nullptr, "creating the server SSL_CTX");
  ossl::check(!chain.empty() && key != nullptr, "the server needs a certificate and a key");
  pin_version(ctx.get(), tls);
  read_ahead(ctx.get());
  ossl::check(SSL_CTX_use_certificate(ctx.get(), chain.front()) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx.get(), key) == 1 &&
                  SSL_CTX_check_private_key(ctx.get()) == 1,
              "loading the server certificate and key");
  for (std::size_t i = 1; i < chain.size(); ++i) {
    ossl::check(SSL_CTX_add1_chain_cert(ctx.get(), chain[i]) == 1, "adding an intermediate");
  }
  if (mode == 2) {
    for (X509* ca : client_cas) {
      ossl::check(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca) == 1,
                  "adding the client CA to the trust store");
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  return ctx;
}

ossl::SslCtxPtr make_target_client_ctx(const TargetClient& target, std::optional<TlsVersion> tls,
                                       bool resume) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  ossl::check(ctx != nullptr, "creating the client SSL_CTX");
  if (tls) {
    pin_version(ctx.get(), *tls);
  } else {
    ossl::check(SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) == 1, "setting the TLS version");
  }
  read_ahead(ctx.get());
  if (target.insecure) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    if (target.trust.empty()) {
      ossl::check(SSL_CTX_set_default_verify_paths(ctx.get()) == 1, "loading the system's trusted roots");
    }
    for (const auto& cert : target.trust) {
      ossl::check(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), cert.get()) == 1,
                  "adding " + target.trust_label + " to the trust store");
    }
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx.get());
    const std::string& name = target.server_name;
    if (!name.empty()) {
      ossl::check(net::is_ip_literal(name) ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1
                                            : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0) == 1,
                  "setting the expected server name " + name);
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  }
  if (!target.client_chain.empty()) {
    ossl::check(SSL_CTX_use_certificate(ctx.get(), target.client_chain.front().get()) == 1 &&
                    SSL_CTX_use_PrivateKey(ctx.get(), target.client_key.get()) == 1 &&
                    SSL_CTX_check_private_key(ctx.get()) == 1,
                "loading " + target.client_label);
    for (std::size_t i = 1; i < target.client_chain.size(); ++i) {
      // The SSL_CTX takes the reference only when the call succeeds.
      ossl::X509Ptr extra = ossl::up_ref(target.client_chain[i].get());
      ossl::check(SSL_CTX_add_extra_chain_cert(ctx.get(), extra.get()) == 1,
                  "adding an intermediate of " + target.client_label);
      extra.release();
    }
  }
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  ossl::check(SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof kAlpn) == 0, "setting ALPN h2");
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  if (!resume) SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  return ctx;
}

}  // namespace tlsmatrix::handshake
