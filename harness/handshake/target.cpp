#include "harness/handshake/target.h"

#include "harness/net/ip_literal.h"
#include "harness/x509/facts.h"

namespace tlsmatrix::handshake {

std::optional<certs::KeyType> bench_key_type(const EVP_PKEY* key) {
  const std::string label = x509::key_label(key);
  if (label == "EC P-256") return certs::KeyType::ec_p256;
  if (label == "EC P-384") return certs::KeyType::ec_p384;
  if (label == "Ed25519") return certs::KeyType::ed25519;
  if (label.rfind("RSA ", 0) == 0) return certs::parse_key_type("rsa" + label.substr(4));
  return std::nullopt;
}

SocketOptions target_socket_options(const Endpoint& endpoint, const TargetClient& client,
                                    std::chrono::milliseconds timeout) {
  SocketOptions o;
  o.timeout = timeout;
  const std::string& name = client.server_name.empty() ? endpoint.host : client.server_name;
  o.sni = net::is_ip_literal(name) ? std::string() : name;
  o.confirm = true;
  o.h2_preface = true;
  return o;
}

TargetSurvey survey_target(const Endpoint& endpoint, const TargetClient& client,
                           std::optional<TlsVersion> tls, std::chrono::milliseconds timeout) {
  TargetSurvey s;
  ossl::SslCtxPtr ctx = make_target_client_ctx(client, tls, /*resume=*/false);
  SocketHandshaker h(ctx.get(), endpoint, target_socket_options(endpoint, client, timeout));
  Negotiated seen;
  s.outcome = h.handshake(nullptr, nullptr, &seen);
  if (!seen.completed) return s;
  s.facts.version = seen.version;
  s.facts.cipher = seen.cipher;
  s.facts.alpn = seen.alpn;
  s.facts.cert_requested = seen.cert_requested;
  s.facts.cert_sent = seen.cert_sent;
  if (client.insecure) {
    s.facts.verified = "not verified (--insecure)";
  } else {
    s.facts.verified = "verified against " +
                       (client.trust.empty() ? std::string("the system's trusted roots") : client.trust_label) +
                       " for " + (client.server_name.empty() ? endpoint.host : client.server_name);
  }
  const EVP_PKEY* key = seen.server_cert ? X509_get0_pubkey(seen.server_cert.get()) : nullptr;
  s.facts.server_key = key != nullptr ? x509::key_label(key) : "no key";
  std::optional<certs::KeyType> type = key != nullptr ? bench_key_type(key) : std::nullopt;
  if (!type) {
    s.problem = "the server's key (" + s.facts.server_key +
                ") is not a type the ceiling and the bound can be built for (" +
                "RSA 1024-4096, EC P-256/P-384, Ed25519)";
    return s;
  }
  HandshakeConfig c;
  c.mode = seen.cert_sent ? 2 : 1;
  c.key = *type;
  c.tls = seen.version == "TLSv1.2" ? TlsVersion::tls12 : TlsVersion::tls13;
  c.resume = false;
  s.config = c;
  return s;
}

}  // namespace tlsmatrix::handshake
