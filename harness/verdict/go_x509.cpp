#include "harness/verdict/go_x509.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace tlsmatrix {

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

x509::VerifyResult go_verify_chain(X509* leaf, const std::vector<X509*>& untrusted,
                                   const std::vector<X509*>& trusted, x509::Peer peer) {
  // Verify's first step is the leaf's isValid: its dates, whatever its issuer.
  if (X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0) return fault(X509_V_ERR_CERT_NOT_YET_VALID, 0, leaf);
  if (X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0) return fault(X509_V_ERR_CERT_HAS_EXPIRED, 0, leaf);

  x509::VerifyResult r = x509::verify(
      leaf, untrusted, trusted,
      {.peer = peer, .check_purpose = false, .partial_chain = true, .trusted_first = true, .auth_level = 0});
  if (!r.ok()) return r;

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

}  // namespace tlsmatrix
