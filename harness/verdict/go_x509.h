// A certificate chain checked by Go's crypto/x509 rules (Certificate.Verify, as crypto/tls calls
// it for a peer), as far as they are modelled: the leaf's own dates before anything else (an
// expired leaf from an unknown issuer is "expired"), then the chain as OpenSSL builds it with any
// trusted certificate as an anchor (Go's root pool) and no key-size floor, keyUsage ignored (Go
// reads it only on an issuer, "parent certificate cannot sign", which OpenSSL's CA check matches),
// the extendedKeyUsage of every certificate of the chain, the trust anchor included, and SHA-1
// signatures refused below the anchor (Go 1.18 and later). The result reads as OpenSSL's would
// (an X509_V_ERR code and depth), so both ends' reason mapping applies unchanged.
#pragma once

#include <vector>

#include "harness/x509/verify.h"

namespace tlsmatrix::verdict {

// A certificate's dates as Go's isValid reads them, at the verification time (`--at`, else now):
// X509_V_OK, X509_V_ERR_CERT_NOT_YET_VALID or X509_V_ERR_CERT_HAS_EXPIRED.
int go_date_error(const X509* cert);

// What Go's buildChains meets first on a chain OpenSSL refused (`openssl`, with the chain it
// built). Go takes the issuers one at a time from the leaf up and, for each, checks that it may
// sign (basicConstraints CA, keyCertSign), the child's signature algorithm (SHA-1 refused when
// `sha1_refused`), then the issuer's own dates, and only then its path length; OpenSSL checks
// every certificate's extensions first and the dates after, from the top down. A fault Go meets
// at or below OpenSSL's depth replaces OpenSSL's; else OpenSSL's stands.
x509::VerifyResult go_first_fault(const x509::VerifyResult& openssl, bool sha1_refused);

// `peer`: whose chain it is, which sets the extendedKeyUsage asked for (server: serverAuth,
// client: clientAuth; anyExtendedKeyUsage satisfies both). The certificates stay the caller's.
x509::VerifyResult go_verify_chain(X509* leaf, const std::vector<X509*>& untrusted,
                                   const std::vector<X509*>& trusted, x509::Peer peer);

}  // namespace tlsmatrix::verdict
