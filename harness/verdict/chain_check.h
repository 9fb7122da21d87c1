// Verifies a presented certificate chain the way an OpenSSL-based TLS stack does during the
// handshake (ssl_verify_cert_chain: the store's flags, the "ssl_server"/"ssl_client" defaults,
// the security level as auth level), and names the first X509 error. Both ends use it: the
// client profiles for the server's chain, the harness's mode-2 server for the client's chain.
#pragma once

#include <string>
#include <vector>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix {

// Which side's chain is checked: a client verifies a server (purpose sslserver) and a server a
// client (purpose sslclient), as OpenSSL picks for SSL_VERIFY_PEER.
enum class PeerRole { server, client };

struct ChainCheckOptions {
  PeerRole peer = PeerRole::server;
  // X509_V_FLAG_PARTIAL_CHAIN: any trusted certificate is an anchor, not only a self-signed
  // root (gRPC C-core sets it with explicit roots).
  bool partial_chain = true;
  // Check the purpose (EKU, keyUsage, Netscape type) for the role.
  bool check_purpose = true;
  // OpenSSL auth level (security level): 2 = keys >= 112 bits, no SHA-1 signatures. -1 = the
  // level a fresh SSL_CTX gets in this process (what gRPC's own contexts get).
  int auth_level = -1;
  // Go on after each error and report the last one, as a stack whose verify callback accepts
  // everything and reads the result afterwards does (Node: SSL_get_verify_result).
  bool report_last_error = false;
};

// What the check found. `error` is X509_V_OK when the chain verified.
struct ChainCheckResult {
  int error = 0;
  int depth = 0;
  std::string subject;  // subject of the certificate at `depth`, one line
  // When it verified: the chain as built, leaf first, trust anchor last.
  std::vector<ossl::X509Ptr> chain;
  bool ok() const { return error == 0; }
  // "certificate has expired (depth 1, CN=inter)" or "ok".
  std::string text() const;
};

// The security level a fresh SSL_CTX gets in this process (OpenSSL's default, Debian: 2).
int default_security_level();

ChainCheckResult check_chain(X509* leaf, const std::vector<X509*>& untrusted,
                             const std::vector<X509*>& trusted, const ChainCheckOptions& options);

// How an X509 error reads in our taxonomy, independent of which side presented the chain.
enum class ChainFault { none, untrusted, expired, not_yet_valid, invalid };
ChainFault classify_x509_error(int x509_error);

}  // namespace tlsmatrix
