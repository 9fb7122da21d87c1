#include "harness/verdict/chain_check.h"
#include "harness/ossl/x509_text.h"

#include <openssl/err.h>

namespace tlsmatrix {

std::string ChainCheckResult::text() const {
  if (ok()) return "ok";
  std::string out = X509_verify_cert_error_string(error);
  out += " (depth " + std::to_string(depth);
  if (!subject.empty()) out += ", " + subject;
  return out + ")";
}

int default_security_level() {
  static const int level = [] {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_method()));
    ossl::check(ctx != nullptr, "creating an SSL_CTX");
    return SSL_CTX_get_security_level(ctx.get());
  }();
  return level;
}

ChainCheckResult check_chain(X509* leaf, const std::vector<X509*>& untrusted,
                             const std::vector<X509*>& trusted, const ChainCheckOptions& options) {
  ossl::X509StorePtr store(X509_STORE_new());
  ossl::check(store != nullptr, "creating an X509_STORE");
  for (X509* cert : trusted) {
    // A duplicate root is not an error for a TLS stack either.
    X509_STORE_add_cert(store.get(), cert);
  }
  ERR_clear_error();
  unsigned long flags = X509_V_FLAG_TRUSTED_FIRST;
  if (options.partial_chain) flags |= X509_V_FLAG_PARTIAL_CHAIN;
  X509_STORE_set_flags(store.get(), flags);

  ossl::X509StackPtr chain(sk_X509_new_null());
  ossl::check(chain != nullptr, "allocating a certificate stack");
  for (X509* cert : untrusted) {
    ossl::push_owned(chain.get(), ossl::up_ref(cert), "building the untrusted chain");
  }

  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ossl::check(ctx != nullptr, "creating an X509_STORE_CTX");
  ossl::check(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) == 1,
              "initialising certificate verification");
  // The same defaults libssl applies: purpose and trust for the peer's role.
  X509_STORE_CTX_set_default(ctx.get(), options.peer == PeerRole::server ? "ssl_server" : "ssl_client");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (!options.check_purpose) X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
  X509_VERIFY_PARAM_set_auth_level(param,
                                   options.auth_level < 0 ? default_security_level() : options.auth_level);

  if (options.report_last_error) {
    X509_STORE_CTX_set_verify_cb(ctx.get(), [](int, X509_STORE_CTX*) { return 1; });
  }

  ChainCheckResult result;
  int verified = X509_verify_cert(ctx.get());
  // With the accept-everything callback the verification "succeeds" and the error left in the
  // context is the last one met.
  if (verified != 1 || (options.report_last_error && X509_STORE_CTX_get_error(ctx.get()) != X509_V_OK)) {
    result.error = X509_STORE_CTX_get_error(ctx.get());
    if (result.error == X509_V_OK) result.error = X509_V_ERR_UNSPECIFIED;
    result.depth = X509_STORE_CTX_get_error_depth(ctx.get());
    result.subject = ossl::subject_text(X509_STORE_CTX_get_current_cert(ctx.get()));
  } else if (STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get())) {
    for (int i = 0; i < sk_X509_num(built); ++i) result.chain.push_back(ossl::up_ref(sk_X509_value(built, i)));
  }
  ERR_clear_error();
  return result;
}

ChainFault classify_x509_error(int e) {
  switch (e) {
    case X509_V_OK:
      return ChainFault::none;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
      return ChainFault::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return ChainFault::not_yet_valid;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return ChainFault::untrusted;
    default:
      return ChainFault::invalid;
  }
}

}  // namespace tlsmatrix
