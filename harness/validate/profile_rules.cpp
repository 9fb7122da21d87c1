#include "harness/validate/profile_rules.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>
#include <strings.h>

#include "harness/validate/cert_inspect.h"

namespace tlsmatrix::validate {

const std::vector<std::string>& profile_names() {
  static const std::vector<std::string> names{"grpc-core", "go", "node"};
  return names;
}

bool accepts_partial_chain(std::string_view profile) {
  // grpc-core sets X509_V_FLAG_PARTIAL_CHAIN for explicit roots; Go stops at any certificate in
  // its root pool; grpc-js (node) builds to a self-signed root and fails with
  // UNABLE_TO_VERIFY_LEAF_SIGNATURE.
  return profile != "node";
}

namespace {

bool is_ip_literal(std::string_view name) {
  std::string s(name);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool san_covers(X509* leaf, std::string_view name, bool ip) {
  std::string s(name);
  if (ip) return X509_check_ip_asc(leaf, s.c_str(), 0) == 1;
  // Every profile takes a wildcard only as the whole leftmost label.
  unsigned flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
  return X509_check_host(leaf, s.data(), s.size(), flags, nullptr) == 1;
}

bool cn_equals(X509* leaf, std::string_view name) {
  std::string cn = common_name(leaf);
  return !cn.empty() && cn.size() == name.size() &&
         strncasecmp(cn.data(), name.data(), name.size()) == 0;
}

}  // namespace

std::string profile_cn_rejection(std::string_view profile) {
  if (profile == "go") return "x509: certificate relies on legacy Common Name field, use SANs instead";
  return "the name is not in the certificate's subjectAltName";
}

NameJudgement judge_server_name(std::string_view profile, X509* leaf,
                                std::string_view server_name) {
  const bool ip = is_ip_literal(server_name);
  if (san_covers(leaf, server_name, ip)) return {NameMatch::san, "covered by a subjectAltName"};

  const std::vector<std::string> sans = subject_alt_names(leaf);
  bool any_dns = false;
  for (const auto& s : sans) any_dns = any_dns || s.rfind("DNS:", 0) == 0;

  if (!cn_equals(leaf, server_name)) return {NameMatch::rejected, "not in the certificate"};
  if (ip) return {NameMatch::rejected, "an IP address is matched against IP SANs only"};
  if (profile == "go") return {NameMatch::rejected, profile_cn_rejection(profile)};
  if (profile == "grpc-core") {
    // grpc-core reads the CN only when the certificate has no SAN of any type.
    if (has_san_extension(leaf) && !sans.empty()) {
      return {NameMatch::rejected, "grpc-core ignores the CN when any subjectAltName is present"};
    }
    return {NameMatch::cn_fallback, "grpc-core falls back to the CN (no subjectAltName at all)"};
  }
  // node (and java) fall back to the CN when there is no DNS SAN.
  if (any_dns) return {NameMatch::rejected, "the CN is ignored when DNS subjectAltNames exist"};
  return {NameMatch::cn_fallback, std::string(profile) + " falls back to the CN (no DNS subjectAltName)"};
}

}  // namespace tlsmatrix::validate
