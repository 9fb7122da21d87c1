// Client profiles: how a client stack verifies a server's certificate chain and name. A profile
// is data (which knobs the stack turns which way, README.md "Client profiles") plus one engine that applies it.
// The engine names the reason; for the grpc-core profile the real gRPC handshake decides
// pass/fail and the runner checks that the two agree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/ossl/ossl_ptr.h"
#include "harness/verdict/hostname_match.h"
#include "harness/verdict/reason.h"

namespace tlsmatrix::verdict {

struct ClientProfile {
  std::string name;   // grpc-core, go, node
  std::string stack;  // what it stands for, for reports
  std::string short_stack;  // how advice names it in a sentence: "Go", "gRPC C-core (pymilvus)"
  NameRules names;
  // Any trusted certificate is an anchor (X509_V_FLAG_PARTIAL_CHAIN / Go's root pool); without
  // it a CA-signed leaf given as the only root fails (Node: UNABLE_TO_VERIFY_LEAF_SIGNATURE).
  bool partial_chain = true;
  // EKU/keyUsage must allow a TLS server (OpenSSL purpose sslserver). Without the leaf's
  // keyUsage (Go), the EKU of every certificate of the built chain counts, the anchor's too.
  bool check_purpose = true;
  // The leaf's keyUsage counts too (OpenSSL: digitalSignature or keyEncipherment). Go's
  // crypto/x509 ignores a leaf's keyUsage and checks only the EKU of every certificate.
  bool leaf_key_usage_checked = true;
  // OpenSSL security level for keys and signature digests; -1 = this process's default.
  int security_level = -1;
  // Refuses SHA-1 certificate signatures whatever the security level (Go since 1.18).
  bool reject_sha1_signatures = false;
  // The security level at which the client loads and sends its own certificate chain (key size,
  // signature digests); -1 = this process's default, as gRPC C-core loads it. Go's crypto/tls
  // checks neither (0); Node's bundled OpenSSL runs at level 1 (RSA-1024 loads, SHA-1 does not).
  int own_cert_security_level = -1;
  // The rest of the own chain (intermediates) is checked at that level when it is loaded (Node's
  // secure context), not only when it is sent to a server that asks for a certificate (C-core:
  // OpenSSL's extra chain certificates, so a mode-1 connection never notices).
  bool own_chain_checked_at_load = false;
  // Go's x509.Verify: the leaf's dates, then the name, and only then the chain; OpenSSL builds
  // the chain first and meets a missing issuer before an expired leaf or a wrong name.
  bool leaf_dates_and_name_first = false;
  // Go's buildChains: the issuers are met one at a time from the leaf up (may it sign, the child's
  // signature algorithm, its dates, then its path length), so a fault low in the chain is
  // reported before one OpenSSL meets first (go_first_fault, harness/verdict/go_x509.h).
  bool issuers_met_one_at_a_time = false;
  // The reason is OpenSSL's last verify error, not its first (Node: its verify callback accepts
  // everything and reads SSL_get_verify_result afterwards).
  bool last_verify_error = false;
  // A server_name ending with a dot goes out as SNI without it (Go's hostnameInSNI); C-core and
  // Node send it as written, which Milvus's Go server refuses.
  bool sni_strips_trailing_dot = false;
  // How the stack words its refusal of a server name found only in the certificate's CN (what a
  // user of that stack sees in its error).
  std::string cn_only_rejection = "the name is not in the certificate's subjectAltName";
  // Mode 2 with a server that names its CAs in the CertificateRequest (Milvus's): a certificate
  // none of whose chain is issued by a named CA is not sent (Go's crypto/tls
  // SupportsCertificate); the client answers with no certificate. C-core and Node send it anyway.
  bool withholds_cert_outside_ca_names = false;
  // The real gRPC C-core client runs the handshake itself (SslCredentials); other profiles run
  // this engine inside the handshake as the certificate verifier.
  bool native_grpc_core = false;
};

// Every defined profile, in report order (grpc-core first).
const std::vector<ClientProfile>& client_profiles();
// nullptr when there is no such profile.
const ClientProfile* find_profile(std::string_view name);
std::vector<std::string> client_profile_names();

// A chain as a server presents it: the leaf, then whatever else it sent.
struct PresentedChain {
  ossl::X509Ptr leaf;
  std::vector<ossl::X509Ptr> rest;
};

struct ProfileVerdict {
  Reason reason = Reason::ok;  // ok, hostname_mismatch, unknown_ca, server_cert_*
  std::string detail;          // human words: the X509 error with depth and subject, or names
  bool ok() const { return reason == Reason::ok; }
};

// "Would stack X accept this server?" `server_name` is what the client checks the certificate
// against (the target-name override, else the dialled host).
ProfileVerdict verify_server(const ClientProfile& profile, const PresentedChain& chain,
                             const std::vector<X509*>& trusted, std::string_view server_name);

}  // namespace tlsmatrix::verdict
