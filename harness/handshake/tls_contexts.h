// The certificates and SSL_CTXs a handshake benchmark uses. A context is built once per
// configuration and shared by every connection (SSL_CTX creation parses keys and builds stores,
// which would otherwise be timed as if it were part of the handshake).
#pragma once

#include "harness/certs/cert_factory.h"
#include "harness/handshake/handshake_config.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

// The name the server certificate carries and the client checks.
inline constexpr const char* kServerName = "localhost";

// A CA, a server and a client certificate, all with keys of one type (the CA's too, so the
// client's chain check costs what that key type costs).
CertSet make_bench_certs(KeyType key);

struct ClientOptions {
  // Verifying the server's chain and name is part of what a handshake costs; it is only turned
  // off against an external --target whose CA we do not have.
  bool verify_server = true;
};

// Server for tlsMode 1 or 2 at exactly config.tls. Full-handshake configurations turn every
// session mechanism off (no cache, no tickets) so each handshake is a full one; resumed ones
// issue one stateless ticket per handshake and keep no server-side cache.
ossl::SslCtxPtr make_server_ctx(const CertSet& certs, const HandshakeConfig& config);

// Client: trusts the CA and checks kServerName; in mode 2 presents the client certificate.
ossl::SslCtxPtr make_client_ctx(const CertSet& certs, const HandshakeConfig& config,
                                const ClientOptions& options = {});

}  // namespace tlsmatrix::handshake
