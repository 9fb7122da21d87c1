// Stand-in for the runner's client-profile engine (harness/verdict/profile.h) until it lands:
// the DESIGN.md profile table expressed as X509_verify_cert flags.
#include "harness/probe/profile_check.h"

#include <openssl/x509v3.h>

#include "harness/ossl/ossl_ptr.h"
#include "harness/probe/endpoint.h"

namespace tlsmatrix::probe {

const std::vector<std::string>& probe_profiles() {
  static const std::vector<std::string> names{"grpc-core", "go", "node"};
  return names;
}

namespace {

bool has_any_san(X509* cert) {
  return X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0;
}

Reason reason_for(int err) {
  switch (err) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return Reason::hostname_mismatch;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return Reason::server_cert_expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Reason::server_cert_not_yet_valid;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
      return Reason::unknown_ca;
    default:
      return Reason::server_cert_invalid;
  }
}

}  // namespace

ProfileVerdict verify_as_profile(std::string_view profile, const std::vector<X509*>& chain,
                                 const std::vector<X509*>& trust, std::string_view server_name) {
  ProfileVerdict out{std::string(profile), Reason::ok, ""};
  if (chain.empty()) {
    out.reason = Reason::server_cert_invalid;
    out.detail = "the server presented no certificate";
    return out;
  }
  ossl::X509StorePtr store(X509_STORE_new());
  for (X509* t : trust) X509_STORE_add_cert(store.get(), t);
  ossl::X509StackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), ossl::up_ref(chain[i]).release());

  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ossl::check(X509_STORE_CTX_init(ctx.get(), store.get(), chain[0], untrusted.get()) == 1,
              "X509_STORE_CTX_init");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  // grpc-core and Go accept any trusted certificate as the end of the chain (a CA-signed
  // server.pem as the only root); Node wants a self-signed root.
  if (profile != "node") X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  std::string name(server_name);
  if (is_ip_literal(name)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  } else {
    unsigned int flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
    // Go never falls back to the CN; grpc-core only when the certificate has no SAN at all;
    // Node (like OpenSSL's default) when it has no DNS SAN.
    if (profile == "go" || (profile == "grpc-core" && has_any_san(chain[0]))) {
      flags |= X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
    }
    X509_VERIFY_PARAM_set_hostflags(param, flags);
    X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  }
  if (X509_verify_cert(ctx.get()) == 1) return out;
  int err = X509_STORE_CTX_get_error(ctx.get());
  out.reason = reason_for(err);
  out.detail = X509_verify_cert_error_string(err);
  if (profile == "go" && out.reason == Reason::hostname_mismatch && !has_any_san(chain[0])) {
    out.detail = "x509: certificate relies on legacy Common Name field, use SANs instead";
  }
  ossl::drain_errors();
  return out;
}

}  // namespace tlsmatrix::probe
