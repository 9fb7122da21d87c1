// Answers from the runner's client-profile engine (harness/verdict), so validate and run judge
// a certificate the same way.
#include "harness/validate/profile_rules.h"

#include "harness/net/ip_literal.h"
#include "harness/verdict/hostname_match.h"
#include "harness/verdict/profile.h"
#include "harness/x509/names.h"

namespace tlsmatrix::validate {

const std::vector<std::string>& profile_names() {
  static const std::vector<std::string> names = verdict::client_profile_names();
  return names;
}

namespace {
const verdict::ClientProfile& profile_or_throw(std::string_view name) {
  const verdict::ClientProfile* p = verdict::find_profile(name);
  if (p == nullptr) throw std::invalid_argument("unknown client profile: " + std::string(name));
  return *p;
}
}  // namespace

bool accepts_partial_chain(std::string_view profile) {
  return profile_or_throw(profile).partial_chain;
}

std::string profile_cn_rejection(std::string_view profile) {
  return profile_or_throw(profile).cn_only_rejection;
}

NameJudgement judge_server_name(std::string_view profile, X509* leaf,
                                std::string_view server_name) {
  const verdict::ClientProfile& p = profile_or_throw(profile);
  const x509::CertNames names = x509::cert_names(leaf);
  const std::string why = verdict::name_mismatch(names, server_name, p.names);
  // The same rules without the CN fallback tell a SAN match from a CN-only one.
  verdict::NameRules san_only = p.names;
  san_only.cn_fallback = verdict::CnFallback::never;
  const bool by_san = verdict::name_mismatch(names, server_name, san_only).empty();
  if (why.empty()) {
    if (by_san) return {NameMatch::san, "covered by a subjectAltName"};
    return {NameMatch::cn_fallback, p.name + " falls back to the subject CN"};
  }
  if (p.names.cn_fallback == verdict::CnFallback::never && !names.any_san() &&
      !net::is_ip_literal(server_name)) {
    return {NameMatch::rejected, profile_cn_rejection(profile)};
  }
  return {NameMatch::rejected, why};
}

}  // namespace tlsmatrix::validate
