#include "harness/verdict/go_x509.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "harness/ossl/verify_time.h"

namespace tlsmatrix::verdict {

namespace {

x509::VerifyResult fault(int error, int depth, X509* cert) {
  x509::VerifyResult r;
  r.error = error;
  r.depth = depth;
  r.failing = cert;
  return r;
}

bool is_sha1_signature(const X509* cert) {
  int md = NID_undef, pk = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk) != 1) return false;
  return md == NID_sha1;
}

}  // namespace

int go_date_error(const X509* cert) {
  const auto at = ossl::verification_time();
  std::time_t when = at ? std::chrono::system_clock::to_time_t(*at) : std::time(nullptr);
  if (X509_cmp_time(X509_get0_notBefore(cert), &when) > 0) return X509_V_ERR_CERT_NOT_YET_VALID;
  if (X509_cmp_time(X509_get0_notAfter(cert), &when) < 0) return X509_V_ERR_CERT_HAS_EXPIRED;
  return X509_V_OK;
}

x509::VerifyResult go_first_fault(const x509::VerifyResult& openssl, bool sha1_refused) {
  if (openssl.ok()) return openssl;
  const int n = static_cast<int>(openssl.chain.size());
  // A chain that was not built reaches as far as OpenSSL got.
  const int last = openssl.depth < 0 ? n - 1 : std::min(openssl.depth, n - 1);
  for (int depth = 1; depth <= last; ++depth) {
    X509* issuer = openssl.chain[depth];
    X509* child = openssl.chain[depth - 1];
    // CheckSignatureFrom: may the issuer sign at all, then the signature's algorithm.
    if (X509_check_ca(issuer) == 0) return fault(X509_V_ERR_INVALID_CA, depth, issuer);
    if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) && !(X509_get_key_usage(issuer) & KU_KEY_CERT_SIGN)) {
      return fault(X509_V_ERR_KEYUSAGE_NO_CERTSIGN, depth, issuer);
    }
    if (sha1_refused && is_sha1_signature(child)) return fault(X509_V_ERR_CA_MD_TOO_WEAK, depth - 1, child);
    // isValid: the issuer's dates before its path length.
    if (int e = go_date_error(issuer); e != X509_V_OK) return fault(e, depth, issuer);
  }
  return openssl;
}

x509::VerifyResult go_verify_chain(X509* leaf, const std::vector<X509*>& untrusted,
                                   const std::vector<X509*>& trusted, x509::Peer peer) {
  // Verify's first step is the leaf's isValid: its dates, whatever its issuer.
  if (int e = go_date_error(leaf); e != X509_V_OK) return fault(e, 0, leaf);

  x509::VerifyResult r = x509::verify(
      leaf, untrusted, trusted,
      {.peer = peer, .check_purpose = false, .partial_chain = true, .trusted_first = true, .auth_level = 0});
  if (!r.ok()) return go_first_fault(r, true);

  const int n = static_cast<int>(r.chain.size());
  // Below the anchor every signature is checked, and Go refuses SHA-1 ones (the anchor's own
  // signature is never checked).
  for (int depth = 0; depth + 1 < n; ++depth) {
    if (is_sha1_signature(r.chain[depth])) return fault(X509_V_ERR_CA_MD_TOO_WEAK, depth, r.chain[depth]);
  }
  // checkChainForKeyUsage: every certificate that lists extended key usages, the anchor too, must
  // allow the peer's role or any.
  const uint32_t wanted = peer == x509::Peer::server ? XKU_SSL_SERVER : XKU_SSL_CLIENT;
  for (int depth = 0; depth < n; ++depth) {
    X509* c = r.chain[depth];
    if ((X509_get_extension_flags(c) & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(c) & (wanted | XKU_ANYEKU))) {
      return fault(X509_V_ERR_INVALID_PURPOSE, depth, c);
    }
  }
  return r;
}

}  // namespace tlsmatrix::verdict
