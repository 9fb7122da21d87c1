#include "harness/verdict/profile.h"

#include <algorithm>

#include "harness/verdict/by_name.h"
#include "harness/verdict/go_x509.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"
#include "harness/x509/verify.h"

namespace tlsmatrix::verdict {

namespace {

std::vector<ClientProfile> make_profiles() {
  std::vector<ClientProfile> out;

  // gRPC C-core 1.51 (pymilvus via grpcio, C++): OpenSSL verifies with the store's
  // PARTIAL_CHAIN | TRUSTED_FIRST flags and libssl's sslserver purpose at the process's security
  // level; then tsi_ssl_peer_matches_name checks the name (CN only without any SAN, never for
  // an IP; IP names compared as text; "*." + at least two labels, whole leftmost label).
  ClientProfile core;
  core.name = "grpc-core";
  core.stack = "gRPC C-core 1.51 with OpenSSL 3 (pymilvus, C++)";
  core.short_stack = "gRPC C-core (pymilvus)";
  core.names = {.cn_fallback = CnFallback::no_san,
                .ip_match = IpNameMatch::any_san_text,
                .dns_name_checks_all_sans = true,
                .wildcard_tld = false,
                .wildcard_partial_label = false};
  core.partial_chain = true;
  core.native_grpc_core = true;
  out.push_back(core);

  // grpc-go on Go 1.19's crypto/x509 (Milvus Go SDK): no CN fallback at all, roots are anchors
  // whether self-signed or not, SHA-1 signatures refused, "*" only as a whole leftmost label.
  ClientProfile go;
  go.name = "go";
  go.stack = "grpc-go with Go 1.19 crypto/x509 (Milvus Go SDK)";
  go.short_stack = "Go";
  go.names = {.cn_fallback = CnFallback::never,
              .ip_match = IpNameMatch::ip_san_only,
              .dns_name_checks_all_sans = false,
              .wildcard_tld = true,
              .wildcard_partial_label = false};
  go.partial_chain = true;
  go.security_level = 0;
  go.reject_sha1_signatures = true;
  go.leaf_key_usage_checked = false;
  go.own_cert_security_level = 0;
  go.leaf_dates_and_name_first = true;
  go.issuers_met_one_at_a_time = true;
  // A SAN "localhost." never matches (Go strips only the name's dot); ::ffff:127.0.0.1 is
  // 127.0.0.1 (net.IP.Equal).
  go.names.pattern_trailing_dot_stripped = false;
  go.names.ipv4_mapped_equal = true;
  go.sni_strips_trailing_dot = true;
  go.cn_only_rejection = "x509: certificate relies on legacy Common Name field, use SANs instead";
  go.withholds_cert_outside_ca_names = true;
  out.push_back(go);

  // grpc-js on Node 20 (Milvus Node SDK): tls.checkServerIdentity (CN only when there is no
  // DNS SAN, "*.tld" refused, partial-label wildcards allowed), OpenSSL without PARTIAL_CHAIN.
  ClientProfile node;
  node.name = "node";
  node.stack = "grpc-js on Node 20 (Milvus Node SDK)";
  node.short_stack = "Node";
  node.names = {.cn_fallback = CnFallback::no_dns_san,
                .ip_match = IpNameMatch::ip_san_only,
                .dns_name_checks_all_sans = false,
                .wildcard_tld = false,
                .wildcard_partial_label = true};
  node.partial_chain = false;
  // Node's bundled OpenSSL does not read Debian's openssl.cnf: OpenSSL's own default level 1
  // (RSA-1024 keys pass; SHA-1 signatures do not).
  node.security_level = 1;
  node.own_cert_security_level = 1;
  node.own_chain_checked_at_load = true;
  node.last_verify_error = true;
  out.push_back(node);
  return out;
}

Reason reason_for(x509::ChainFault fault) {
  switch (fault) {
    case x509::ChainFault::none: return Reason::ok;
    case x509::ChainFault::untrusted: return Reason::unknown_ca;
    case x509::ChainFault::expired: return Reason::server_cert_expired;
    case x509::ChainFault::not_yet_valid: return Reason::server_cert_not_yet_valid;
    case x509::ChainFault::invalid: return Reason::server_cert_invalid;
  }
  return Reason::server_cert_invalid;
}

}  // namespace

const std::vector<ClientProfile>& client_profiles() {
  static const std::vector<ClientProfile> profiles = make_profiles();
  return profiles;
}

const ClientProfile* find_profile(std::string_view name) { return find_by_name(client_profiles(), name); }

std::vector<std::string> client_profile_names() { return names_of(client_profiles()); }

ProfileVerdict verify_server(const ClientProfile& profile, const PresentedChain& chain,
                             const std::vector<X509*>& trusted, std::string_view server_name) {
  ProfileVerdict v;
  if (!chain.leaf) {
    v.reason = Reason::server_cert_invalid;
    v.detail = "the server presented no certificate";
    return v;
  }
  if (profile.leaf_dates_and_name_first) {
    X509* leaf = chain.leaf.get();
    // At the verification time the chain check uses too (`--at`), else now.
    const int dates = go_date_error(leaf);
    if (dates == X509_V_ERR_CERT_NOT_YET_VALID) {
      v.reason = Reason::server_cert_not_yet_valid;
      v.detail = profile.name + ": server certificate: the leaf is not yet valid (" + x509::subject(leaf) +
                 "; checked before the chain)";
      return v;
    }
    if (dates == X509_V_ERR_CERT_HAS_EXPIRED) {
      v.reason = Reason::server_cert_expired;
      v.detail = profile.name + ": server certificate: the leaf has expired (" + x509::subject(leaf) +
                 "; checked before the chain)";
      return v;
    }
    std::string why = name_mismatch(x509::cert_names(leaf), server_name, profile.names);
    if (!why.empty()) {
      v.reason = Reason::hostname_mismatch;
      v.detail = profile.name + ": " + why + " (checked before the chain)";
      return v;
    }
  }
  std::vector<X509*> untrusted;
  for (const auto& c : chain.rest) untrusted.push_back(c.get());
  // Go's x509.Verify again: a leaf that is itself in the root pool is the whole chain, and
  // nothing else the server sent is looked at (OpenSSL builds through it: an intermediate's
  // dates or key still count there).
  const bool leaf_is_root =
      profile.leaf_dates_and_name_first &&
      std::any_of(trusted.begin(), trusted.end(), [&](X509* t) { return x509::same_cert(t, chain.leaf.get()); });
  if (leaf_is_root) untrusted.clear();
  // As libssl verifies for the stack: its store's flags, purpose sslserver, its security level.
  x509::VerifyResult r = x509::verify(chain.leaf.get(), untrusted, trusted,
                                      {.peer = x509::Peer::server,
                                       .check_purpose = profile.check_purpose && profile.leaf_key_usage_checked,
                                       .partial_chain = profile.partial_chain,
                                       .trusted_first = true,
                                       .auth_level = profile.security_level,
                                       .last_error = profile.last_verify_error});
  if (!r.ok() && profile.issuers_met_one_at_a_time) r = go_first_fault(r, profile.reject_sha1_signatures);
  if (!r.ok()) {
    v.reason = reason_for(x509::classify_x509_error(r.error));
    v.detail = profile.name + ": server certificate: " + r.text() +
               (profile.last_verify_error ? " (the last verify error)" : "");
    return v;
  }
  if (profile.check_purpose && !profile.leaf_key_usage_checked) {
    // Go: every certificate of the chain that lists EKUs, the anchor included, must allow
    // serverAuth (or any); keyUsage is ignored.
    std::vector<X509*> all = r.chain;
    if (all.empty()) {
      all.push_back(chain.leaf.get());
      all.insert(all.end(), untrusted.begin(), untrusted.end());
    }
    for (X509* c : all) {
      if ((X509_get_extension_flags(c) & EXFLAG_XKUSAGE) &&
          !(X509_get_extended_key_usage(c) & (XKU_SSL_SERVER | XKU_ANYEKU))) {
        v.reason = Reason::server_cert_invalid;
        v.detail = profile.name + ": server certificate: EKU without serverAuth (" + x509::subject(c) + ")";
        return v;
      }
    }
  }
  if (profile.reject_sha1_signatures) {
    // Every signature of the chain that was built is checked, the trust anchor's own excepted;
    // a certificate the server sent that is not part of that chain is never looked at.
    std::vector<X509*> below;
    if (!leaf_is_root && !r.chain.empty()) below.assign(r.chain.begin(), r.chain.end() - 1);
    for (X509* c : below) {
      bool self_signed = X509_check_issued(c, c) == X509_V_OK;
      if (!self_signed && x509::signature_info(c).sha1) {
        v.reason = Reason::server_cert_invalid;
        v.detail = profile.name + ": server certificate: SHA-1 signature refused (" + x509::subject(c) + ")";
        return v;
      }
    }
  }
  std::string why = name_mismatch(x509::cert_names(chain.leaf.get()), server_name, profile.names);
  if (!why.empty()) {
    v.reason = Reason::hostname_mismatch;
    v.detail = profile.name + ": " + why;
  }
  return v;
}

}  // namespace tlsmatrix::verdict
