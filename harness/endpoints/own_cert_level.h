// The security level at which a client loads and sends its OWN certificate chain, per profile.
//
// Every profile's client is gRPC C-core with this process's OpenSSL, whose contexts run at the
// system's level (Debian: 2): it refuses to load an RSA-1024 client key or a SHA-1-signed client
// certificate, and will not send an intermediate that fails the level. Go's crypto/tls checks
// none of that on its own certificate, and Node's bundled OpenSSL runs at level 1 (RSA-1024
// passes, SHA-1 does not), so a go or node cell would report client_config_error where the real
// client sends the certificate (README.md, "The client's own certificate").
//
// gRPC 1.51 has no per-channel knob for the level and never shows its SSL_CTX. So the own leaf is
// marked (an X509 alias in the PEM's auxiliary trust data, which is never sent on the wire), and a
// security callback installed on every SSL_CTX this process creates applies the marked level to
// the three checks OpenSSL makes on an endpoint's own chain: the leaf's key, a chain
// certificate's key, and a signature digest. Everything else (peer checks, ciphers, groups,
// signature algorithms) and every unmarked certificate keep OpenSSL's own answer.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tlsmatrix::endpoints {

// What a server profile (harness/verdict/server_profile.h) asks of a server's SSL_CTX, which
// gRPC 1.51 never shows: the level its own chain is loaded and sent at, the lowest TLS version it
// accepts, whether a ClientHello whose server_name ends with a dot is refused (as Go's crypto/tls
// refuses it, RFC 6066 section 3), and no auto-chaining (a Go server sends exactly its file).
struct ServerContextRules {
  int security_level = -1;  // -1: the context's own level
  int min_tls_version = 0;  // e.g. TLS1_3_VERSION; 0: the context's own floor
  int max_tls_version = 0;  // e.g. TLS1_2_VERSION; 0: the context's own ceiling
  bool refuse_sni_trailing_dot = false;
  // Told (from OpenSSL's handshake thread) why a ClientHello was refused.
  std::function<void(const std::string&)> on_hello_refused;
};

// While one is alive, every SSL_CTX this thread creates takes `rules`. gRPC creates a server's
// contexts on the thread that builds the server (ServerBuilder::BuildAndStart with a static
// certificate provider), so TlsServer::start holds one around that call; a context made elsewhere
// keeps OpenSSL's defaults, which shows as the harness server's verdicts, never as a made-up one.
// Not nestable.
class ScopedServerContextRules {
 public:
  explicit ScopedServerContextRules(const ServerContextRules& rules);
  ~ScopedServerContextRules();
  ScopedServerContextRules(const ScopedServerContextRules&) = delete;
  ScopedServerContextRules& operator=(const ScopedServerContextRules&) = delete;
  // How many SSL_CTXs took the rules so far (the caller checks that its server's did).
  int contexts() const;
};

// The TLS versions a client offers (a scenario's client.tls_min/tls_max). gRPC 1.51 has no
// version knob and sets its own range (1.2-1.3) on every context it makes, after creation; so the
// range is applied by the security callback (SSL_SECOP_VERSION), which OpenSSL asks for each
// version as it builds the ClientHello, whatever range the context holds.
struct ClientContextRules {
  int min_tls_version = 0;  // 0: no floor of ours
  int max_tls_version = 0;  // 0: no ceiling of ours
  bool any() const { return min_tls_version > 0 || max_tls_version > 0; }
};

// While one is alive, every SSL_CTX this thread creates offers only `rules`' versions. A gRPC
// client makes its context on the thread that creates its credentials (grpc::SslCredentials,
// TlsCredentials); call_health_check holds one around that and checks contexts() afterwards,
// so a context made elsewhere is a harness error, never a client silently offering 1.3.
class ScopedClientContextRules {
 public:
  explicit ScopedClientContextRules(const ClientContextRules& rules);
  ~ScopedClientContextRules();
  ScopedClientContextRules(const ScopedClientContextRules&) = delete;
  ScopedClientContextRules& operator=(const ScopedClientContextRules&) = delete;
  int contexts() const;
};

// `cert_chain_pem` with its first certificate marked for `level` (0-5). Any SSL_CTX that loads
// it checks this chain's own-certificate security at `level` instead of its own level. The
// certificates and their order are unchanged; the leaf becomes a "TRUSTED CERTIFICATE" PEM block
// (what PEM_read_bio_X509_AUX, gRPC's reader for the leaf, takes). Returns the text unchanged
// when the first block is not a certificate (the caller's load check reports that).
std::string with_own_cert_level(std::string_view cert_chain_pem, int level);

}  // namespace tlsmatrix::endpoints
