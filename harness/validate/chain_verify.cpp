#include "harness/validate/chain_verify.h"

#include <openssl/x509_vfy.h>

#include "harness/ossl/ossl_ptr.h"
#include "harness/validate/cert_inspect.h"

namespace tlsmatrix::validate {

namespace {

// The names clients print (node: UNABLE_TO_VERIFY_LEAF_SIGNATURE) for the errors users meet.
std::string short_name(int err) {
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "UNABLE_TO_GET_ISSUER_CERT";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "SELF_SIGNED_CERT_IN_CHAIN";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "CERT_SIGNATURE_FAILURE";
    case X509_V_ERR_INVALID_CA: return "INVALID_CA";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "PATH_LENGTH_EXCEEDED";
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return "KEYUSAGE_NO_CERTSIGN";
    default: return "X509_V_ERR_" + std::to_string(err);
  }
}

}  // namespace

ChainResult verify_chain(X509* leaf, const std::vector<X509*>& sent,
                         const std::vector<X509*>& anchors, const ChainOptions& options) {
  ossl::X509StorePtr store(X509_STORE_new());
  ossl::check(store != nullptr, "allocating an X509_STORE");
  for (X509* a : anchors) {
    // A certificate listed twice is not an error for us.
    X509_STORE_add_cert(store.get(), a);
  }
  ossl::drain_errors();

  ossl::X509StackPtr untrusted(sk_X509_new_null());
  ossl::check(untrusted != nullptr, "allocating a certificate stack");
  for (X509* c : sent) {
    ossl::push_owned(untrusted.get(), ossl::up_ref(c), "building the untrusted chain");
  }

  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  ossl::check(ctx != nullptr, "allocating an X509_STORE_CTX");
  ossl::check(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) == 1,
              "initialising chain verification");
  unsigned long flags = X509_V_FLAG_NO_CHECK_TIME;
  if (options.partial_chain) flags |= X509_V_FLAG_PARTIAL_CHAIN;
  X509_STORE_CTX_set_flags(ctx.get(), flags);

  ChainResult result;
  int rc = X509_verify_cert(ctx.get());
  ossl::drain_errors();
  result.ok = rc == 1;
  if (!result.ok) {
    result.error = X509_STORE_CTX_get_error(ctx.get());
    result.error_text = X509_verify_cert_error_string(result.error);
    result.error_name = short_name(result.error);
    result.error_depth = X509_STORE_CTX_get_error_depth(ctx.get());
    if (X509* bad = X509_STORE_CTX_get_current_cert(ctx.get())) {
      result.failing_subject = subject_label(bad);
    }
  }
  // The built chain references certificates that the caller owns (leaf, sent, anchors), so
  // borrowed pointers into the caller's objects stay valid after ctx is gone.
  if (STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get())) {
    for (int i = 0; i < sk_X509_num(built); ++i) {
      X509* c = sk_X509_value(built, i);
      X509* owner = nullptr;
      if (same_cert(c, leaf)) owner = leaf;
      for (X509* s : sent) if (!owner && same_cert(c, s)) owner = s;
      for (X509* a : anchors) if (!owner && same_cert(c, a)) owner = a;
      if (owner) result.chain.push_back(owner);
    }
  }
  return result;
}

}  // namespace tlsmatrix::validate
