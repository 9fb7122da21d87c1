// The certificates and SSL_CTXs a handshake benchmark uses. A context is built once per
// configuration and shared by every connection (SSL_CTX creation parses keys and builds stores,
// which would otherwise be timed as if it were part of the handshake).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/certs/cert_factory.h"
#include "harness/handshake/handshake_config.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

// The name the server certificate carries and the client checks.
inline constexpr const char* kServerName = "localhost";

// A CA, a server and a client certificate, all with keys of one type (the CA's too, so the
// client's chain check costs what that key type costs).
certs::CertSet make_bench_certs(certs::KeyType key);

struct ClientOptions {
  // Verifying the server's chain and name is part of what a handshake costs; it is only turned
  // off against an external --target whose CA we do not have.
  bool verify_server = true;
};

// Server for tlsMode 1 or 2 at exactly config.tls. Full-handshake configurations turn every
// session mechanism off (no cache, no tickets) so each handshake is a full one; resumed ones
// issue one stateless ticket per handshake and keep no server-side cache.
ossl::SslCtxPtr make_server_ctx(const certs::CertSet& certs, const HandshakeConfig& config);

// Client: trusts the CA and checks kServerName; in mode 2 presents the client certificate.
ossl::SslCtxPtr make_client_ctx(const certs::CertSet& certs, const HandshakeConfig& config,
                                const ClientOptions& options = {});

// `bench --target`: how the client checks an external server and presents itself, as every
// other command does (--trust, --server-name, --client-pem/--client-key; --insecure).
struct TargetClient {
  std::vector<ossl::X509Ptr> trust;  // empty: the system's default trusted roots
  std::string trust_label;           // the --trust file, for messages
  bool insecure = false;             // do not verify the server at all
  std::string server_name;           // verified, and sent as SNI unless an IP address
  std::vector<ossl::X509Ptr> client_chain;  // leaf first; empty: no client certificate
  ossl::EvpPkeyPtr client_key;
  std::string client_label;          // the --client-pem file, for messages
};

// A server from a deployment's own files (validate, rotate, run --cost): `chain` leaf first, then
// what it sends besides; in mode 2 it requires a client certificate verifying to `client_cas`.
// Full handshakes only, pinned to `tls`. Throws ossl::OsslError when the files do not load.
ossl::SslCtxPtr make_files_server_ctx(const std::vector<X509*>& chain, EVP_PKEY* key, int mode,
                                      const std::vector<X509*>& client_cas, TlsVersion tls);

// For `target`, at one TLS version or (nullopt) whatever the server picks. Offers ALPN h2 as a
// gRPC client does (a gRPC server refuses a client without it). Sessions as make_client_ctx.
ossl::SslCtxPtr make_target_client_ctx(const TargetClient& target, std::optional<TlsVersion> tls,
                                       bool resume);

}  // namespace tlsmatrix::handshake
