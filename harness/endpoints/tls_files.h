// Checks that certificate and key files load the way gRPC 1.51's TSI layer loads them (PEM
// chain into an SSL_CTX, private key, SSL_CTX_check_private_key, OpenSSL's security level on
// the own certificate and on each chain certificate it would send), so that an endpoint which
// gRPC would refuse is reported as a configuration error with the real reason instead of a
// mysterious failed handshake.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::endpoints {

// Every certificate in a PEM bundle, in order; garbage blocks are skipped as gRPC skips them.
std::vector<ossl::X509Ptr> pem_certs(std::string_view pem);

// Empty when `cert_chain_pem` + `key_pem` make a usable TLS identity; else why not, one line.
// `cert_label` / `key_label` name the files in the message ("tls.serverPemPath (server.pem)").
// `security_level` is the level the chain is checked at; -1 = a fresh SSL_CTX's (gRPC's).
// `chain_is_sent`: the certificates after the leaf are checked too, as OpenSSL checks them when
// it sends them (a server always does; a client only to a server that asks for a certificate).
std::string identity_error(std::string_view cert_chain_pem, std::string_view key_pem,
                           std::string_view cert_label, std::string_view key_label, int security_level = -1,
                           bool chain_is_sent = true);

// Empty when the bundle yields at least one root certificate; else why not.
std::string roots_error(std::string_view pem, std::string_view label);

// A stand-in for "the default roots" (pymilvus rule 4): one self-signed CA generated once per
// process that no scenario uses, so the outcome does not depend on the machine's CA bundle.
const std::string& default_roots_pem();

}  // namespace tlsmatrix::endpoints
