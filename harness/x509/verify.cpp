#include "harness/x509/verify.h"

#include "harness/ossl/verify_time.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "harness/ossl/ossl_ptr.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"

namespace tlsmatrix::x509 {

namespace {

// The caller's own object for a certificate OpenSSL handed back, so borrowed pointers stay valid
// after the verification context is gone.
X509* owner_of(X509* c, X509* leaf, const std::vector<X509*>& sent, const std::vector<X509*>& anchors) {
  if (c == nullptr) return nullptr;
  if (same_cert(c, leaf)) return leaf;
  for (X509* s : sent) if (same_cert(c, s)) return s;
  for (X509* a : anchors) if (same_cert(c, a)) return a;
  return nullptr;
}

}  // namespace

std::string VerifyResult::error_text() const { return X509_verify_cert_error_string(error); }

std::string VerifyResult::error_name() const {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "UNABLE_TO_GET_ISSUER_CERT";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "SELF_SIGNED_CERT_IN_CHAIN";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "CERT_SIGNATURE_FAILURE";
    case X509_V_ERR_INVALID_CA: return "INVALID_CA";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "PATH_LENGTH_EXCEEDED";
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return "KEYUSAGE_NO_CERTSIGN";
    default: return "X509_V_ERR_" + std::to_string(error);
  }
}

std::string VerifyResult::text() const {
  if (ok()) return "ok";
  std::string out = error_text();
  out += " (depth " + std::to_string(depth);
  std::string who = subject(failing);
  if (!who.empty()) out += ", " + who;
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

VerifyResult verify(X509* leaf, const std::vector<X509*>& sent, const std::vector<X509*>& anchors,
                    const VerifyOptions& options) {
  ossl::X509StorePtr store(X509_STORE_new());
  ossl::check(store != nullptr, "creating an X509_STORE");
  for (X509* a : anchors) {
    // A duplicate root is not an error for a TLS stack either.
    X509_STORE_add_cert(store.get(), a);
  }
  ERR_clear_error();

  ossl::X509StackPtr untrusted(sk_X509_new_null());
  ossl::check(untrusted != nullptr, "allocating a certificate stack");
  for (X509* c : sent) {
    ossl::push_owned(untrusted.get(), ossl::up_ref(c), "building the untrusted chain");
  }

  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ossl::check(ctx != nullptr, "creating an X509_STORE_CTX");
  ossl::check(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) == 1,
              "initialising certificate verification");
  if (options.peer != Peer::none) {
    // The same defaults libssl applies: purpose and trust for the peer's role.
    X509_STORE_CTX_set_default(ctx.get(), options.peer == Peer::server ? "ssl_server" : "ssl_client");
  }
  unsigned long flags = 0;
  if (options.trusted_first) flags |= X509_V_FLAG_TRUSTED_FIRST;
  if (options.partial_chain) flags |= X509_V_FLAG_PARTIAL_CHAIN;
  if (!options.check_time) flags |= X509_V_FLAG_NO_CHECK_TIME;
  if (flags != 0) X509_STORE_CTX_set_flags(ctx.get(), flags);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (options.peer != Peer::none && !options.check_purpose) {
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
  }
  if (options.at) {
    X509_VERIFY_PARAM_set_time(param, *options.at);
  } else {
    // `--at`: the process's verification time, as the real handshakes' OpenSSL has it
    // (harness/ossl/verify_time.h); nothing when unset.
    ossl::apply_verification_time(param);
  }
  if (options.auth_level) {
    X509_VERIFY_PARAM_set_auth_level(
        param, *options.auth_level == kProcessSecurityLevel ? default_security_level() : *options.auth_level);
  }

  if (options.last_error) {
    X509_STORE_CTX_set_verify_cb(ctx.get(), [](int, X509_STORE_CTX*) { return 1; });
  }

  VerifyResult result;
  const int verified = X509_verify_cert(ctx.get());
  // With the accept-everything callback the verification "succeeds" and the error left in the
  // context is the last one met.
  if (verified != 1 || (options.last_error && X509_STORE_CTX_get_error(ctx.get()) != X509_V_OK)) {
    result.error = X509_STORE_CTX_get_error(ctx.get());
    if (result.error == X509_V_OK) result.error = X509_V_ERR_UNSPECIFIED;
    result.depth = X509_STORE_CTX_get_error_depth(ctx.get());
    result.failing = owner_of(X509_STORE_CTX_get_current_cert(ctx.get()), leaf, sent, anchors);
  }
  ERR_clear_error();
  if (STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get())) {
    for (int i = 0; i < sk_X509_num(built); ++i) {
      if (X509* owner = owner_of(sk_X509_value(built, i), leaf, sent, anchors)) result.chain.push_back(owner);
    }
  }
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

}  // namespace tlsmatrix::x509
