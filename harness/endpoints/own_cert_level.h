// The security level at which a client loads and sends its OWN certificate chain, per profile.
//
// Every profile's client is gRPC C-core with this process's OpenSSL, whose contexts run at the
// system's level (Debian: 2): it refuses to load an RSA-1024 client key or a SHA-1-signed client
// certificate, and will not send an intermediate that fails the level. Go's crypto/tls checks
// none of that on its own certificate, and Node's bundled OpenSSL runs at level 1 (RSA-1024
// passes, SHA-1 does not), so a go or node cell would report client_config_error where the real
// client sends the certificate (README.md, "The client's own certificate").
//
// gRPC 1.51 has no per-channel knob for the level and never shows its SSL_CTX. So the own leaf is
// marked (an X509 alias in the PEM's auxiliary trust data, which is never sent on the wire), and a
// security callback installed on every SSL_CTX this process creates applies the marked level to
// the three checks OpenSSL makes on an endpoint's own chain: the leaf's key, a chain
// certificate's key, and a signature digest. Everything else (peer checks, ciphers, groups,
// signature algorithms) and every unmarked certificate keep OpenSSL's own answer.
#pragma once

#include <string>
#include <string_view>

namespace tlsmatrix {

// `cert_chain_pem` with its first certificate marked for `level` (0-5). Any SSL_CTX that loads
// it checks this chain's own-certificate security at `level` instead of its own level. The
// certificates and their order are unchanged; the leaf becomes a "TRUSTED CERTIFICATE" PEM block
// (what PEM_read_bio_X509_AUX, gRPC's reader for the leaf, takes). Returns the text unchanged
// when the first block is not a certificate (the caller's load check reports that).
std::string with_own_cert_level(std::string_view cert_chain_pem, int level);

}  // namespace tlsmatrix
