// The one chain verification: X509_verify_cert over a leaf, the certificates sent with it and a
// set of trust anchors, with every knob a caller needs to model a TLS stack (or to leave a part
// out, as `validate` leaves dates to its validity check). The profile engine, the harness's
// mode-2 server, the trust advice, `validate` and the tests all verify through it.
#pragma once

#include <openssl/x509.h>

#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace tlsmatrix::x509 {

// Whose chain is checked, for OpenSSL's purpose and trust defaults: a client verifies a server
// ("ssl_server", purpose sslserver) and a server a client ("ssl_client"), as libssl picks for
// SSL_VERIFY_PEER. `none` keeps X509_verify_cert's own defaults (no purpose check).
enum class Peer { none, server, client };

// The auth level a fresh SSL_CTX gets in this process (what gRPC's own contexts get).
inline constexpr int kProcessSecurityLevel = -1;

struct VerifyOptions {
  Peer peer = Peer::none;
  // With a peer: check the purpose (EKU, keyUsage, Netscape type) for its role; false sets
  // X509_PURPOSE_ANY (only the path to an anchor counts).
  bool check_purpose = true;
  // X509_V_FLAG_PARTIAL_CHAIN: any trusted certificate is an anchor, not only a self-signed root
  // (gRPC C-core and Go accept a CA-signed leaf as the only root; Node does not).
  bool partial_chain = false;
  // X509_V_FLAG_TRUSTED_FIRST, as libssl's store sets it.
  bool trusted_first = false;
  // false: X509_V_FLAG_NO_CHECK_TIME (dates are someone else's concern).
  bool check_time = true;
  // The time to verify at; none = now.
  std::optional<std::time_t> at = std::nullopt;
  // OpenSSL auth level (security level): 2 = keys >= 112 bits, no SHA-1 signatures.
  // kProcessSecurityLevel = a fresh SSL_CTX's level; none = no level check (OpenSSL's default).
  std::optional<int> auth_level = std::nullopt;
  // Go on after each error and report the last one met, as a stack whose verify callback accepts
  // everything and reads the result afterwards does (Node: SSL_get_verify_result).
  bool last_error = false;
};

// What the check found. `error` is X509_V_OK when the chain verified.
struct VerifyResult {
  int error = X509_V_OK;
  int depth = -1;                // where the error is; -1 when verified
  X509* failing = nullptr;       // the certificate at `depth`, one of the caller's (borrowed)
  std::vector<X509*> chain;      // the chain OpenSSL built, leaf first, the caller's (borrowed)
  bool ok() const { return error == X509_V_OK; }
  // "certificate has expired" (X509_verify_cert_error_string).
  std::string error_text() const;
  // "UNABLE_TO_VERIFY_LEAF_SIGNATURE": the short names clients print, for the errors users meet.
  std::string error_name() const;
  // "certificate has expired (depth 1, CN=inter, O=x)" or "ok".
  std::string text() const;
};

// The certificate objects in `leaf`, `sent` and `anchors` stay the caller's and must outlive the
// result. OpenSSL's error queue is emptied before and after: a failed verification is reported
// in the result, never left for the next caller to find.
VerifyResult verify(X509* leaf, const std::vector<X509*>& sent, const std::vector<X509*>& anchors,
                    const VerifyOptions& options);

// The security level a fresh SSL_CTX gets in this process (OpenSSL's default, Debian: 2).
int default_security_level();

// How an X509 error reads in our taxonomy, independent of which side presented the chain.
enum class ChainFault { none, untrusted, expired, not_yet_valid, invalid };
ChainFault classify_x509_error(int x509_error);

}  // namespace tlsmatrix::x509
