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

namespace tlsmatrix {

// `peer`: whose chain it is, which sets the extendedKeyUsage asked for (server: serverAuth,
// client: clientAuth; anyExtendedKeyUsage satisfies both). The certificates stay the caller's.
x509::VerifyResult go_verify_chain(X509* leaf, const std::vector<X509*>& untrusted,
                                   const std::vector<X509*>& trusted, x509::Peer peer);

}  // namespace tlsmatrix
