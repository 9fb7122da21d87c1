#include "harness/probe/probe_findings.h"

#include <openssl/ssl.h>

#include <algorithm>

#include "harness/x509/names.h"

namespace tlsmatrix::probe {

const char* const kRequireHint =
    "make the server require and verify client certificates: Milvus tlsMode 2 "
    "(Go tls.RequireAndVerifyClientCert with ClientCAs from caPemPath); gRPC C++ "
    "GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY; OpenSSL's s_server: -Verify 1 "
    "with -verify_return_error";

Finding check(std::string id, Severity s, std::string title, std::string detail, std::string hint,
              std::optional<verdict::Reason> reason) {
  Finding f = findings::make(std::move(id), s, std::move(detail), std::move(hint));
  f.title = std::move(title);
  f.reason = reason;
  return f;
}

void add_check(ProbeReport& r, std::string id, Severity s, std::string title, std::string detail,
               std::string hint, std::optional<verdict::Reason> reason) {
  r.checks.push_back(check(std::move(id), s, std::move(title), std::move(detail),
                           s == Severity::ok ? std::string() : std::move(hint), reason));
}

std::string client_rejection_hint(const TlsAttempt& a, const ClientIdentity& client,
                                  const std::string& pem) {
  if (!a.cert_requested) {
    return "the server never asked for a certificate; it may reject the client for another "
           "reason (see its log)";
  }
  // Servers that close without an alert (gRPC does) still said in their CertificateRequest
  // which issuers they accept.
  std::string issuer = x509::name_text(X509_get_issuer_name(client.chain.front().get()));
  const auto& accepted = a.acceptable_ca_names;
  if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), issuer) == accepted.end()) {
    std::string list;
    for (const auto& n : accepted) list += (list.empty() ? "" : "; ") + n;
    return pem + " is issued by " + issuer + ", but the server accepts client certificates from: " +
           list + ". Use a client certificate signed by the server's CA (caPemPath), or add its CA there";
  }
  switch (a.alert.value_or(-1)) {
    case SSL_AD_UNKNOWN_CA:
      return "the server does not trust the issuer of " + pem +
             ": put the CA that signed it into the server's caPemPath (ClientCAs)";
    case SSL_AD_CERTIFICATE_EXPIRED: return pem + " has expired or is not valid yet: renew it";
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
      return "the server refuses " + pem +
             " itself: check its extendedKeyUsage (clientAuth must be allowed) and keyUsage";
    case SSL_AD_DECRYPT_ERROR:
      return "the client's signature did not verify: does --client-key belong to " + pem + "?";
    default:
      return "the server did not say why (gRPC servers just close): check that " + pem +
             " is signed by the CA in the server's caPemPath, is valid now and allows clientAuth; "
             "the server's log names the cause";
  }
}

std::optional<verdict::Reason> client_reason(const TlsAttempt& a, const ClientIdentity& client) {
  switch (a.alert.value_or(-1)) {
    case SSL_AD_UNKNOWN_CA: return verdict::Reason::client_cert_unknown_ca;
    case SSL_AD_CERTIFICATE_EXPIRED: return verdict::Reason::client_cert_expired;
    case SSL_AD_CERTIFICATE_REQUIRED: return verdict::Reason::client_cert_missing;
    default: break;
  }
  std::string issuer = x509::name_text(X509_get_issuer_name(client.chain.front().get()));
  const auto& accepted = a.acceptable_ca_names;
  if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), issuer) == accepted.end()) {
    return verdict::Reason::client_cert_unknown_ca;
  }
  // Other alerts do not name one fault: Go servers send "bad certificate" for every one.
  return std::nullopt;
}

std::string local_failure_hint(const TlsAttempt& a) {
  if (a.max_cert_list > 0) {
    return "the probe cannot tell what this server lets in. A certificate list this long is "
           "almost always a mistake: check what the server's certificate file (tls.serverPemPath) "
           "holds; it should be the server certificate and its intermediates";
  }
  return "the probe cannot tell what this server lets in: its own TLS client refused what the "
         "server sent (see the detail), so the server decided nothing";
}

}  // namespace tlsmatrix::probe
