// Whether the name clients connect with (pymilvus server_name) is in the server certificate,
// under each profile's hostname rules.
#include "harness/net/ip_literal.h"
#include "harness/validate/advice_command.h"
#include "harness/verdict/hostname_match.h"
#include "harness/validate/profile_rules.h"
#include "harness/validate/static_checks.h"
#include "harness/x509/names.h"

namespace tlsmatrix::validate {

namespace {
std::string names_in(X509* leaf) {
  const x509::CertNames names = x509::cert_names(leaf);
  std::string sans;
  for (const auto& s : names.dns) sans += (sans.empty() ? "DNS:" : ", DNS:") + s;
  for (const auto& s : names.ip) sans += (sans.empty() ? "IP:" : ", IP:") + s;
  for (const auto& s : names.other) sans += (sans.empty() ? "" : ", ") + s;
  const std::string& cn = names.cn;
  return "subjectAltName: " + (sans.empty() ? std::string("none") : sans) +
         "; CN: " + (cn.empty() ? std::string("none") : cn);
}
}  // namespace

void check_server_name(const CertFile& server, const std::string& server_name,
                       const std::vector<std::string>& profiles, Findings& out) {
  if (server_name.empty()) {
    out.warning("server.name", server.name(),
                "no --server-name given, so the name clients connect with was not checked (" +
                    names_in(server.leaf()) + ")",
                "pass --server-name NAME: the host clients connect to, or pymilvus's server_name");
    return;
  }
  // The same test `certs gen` applies to --cn, so the advice and the command it suggests agree.
  const std::string gen = certs_gen_command(server_name);
  const std::string add_san = "reissue " + server.name() + " with subjectAltName = " +
                              (net::is_ip_literal(server_name) ? "IP:" : "DNS:") + server_name +
                              (gen.empty() ? "" : " (or make a new set with it: `" + gen + "`)");
  std::vector<Finding> per_profile;
  for (const auto& profile : profiles) {
    NameJudgement j = judge_server_name(profile, server.leaf(), server_name);
    Finding c;
    c.id = "server.name";
    c.file = server.name();
    c.profiles = {profile};
    const std::string quoted = "'" + server_name + "'";
    switch (j.match) {
      case NameMatch::san:
        c.message = quoted + " is covered by the subjectAltName";
        break;
      case NameMatch::cn_fallback:
        c.severity = Severity::warning;
        c.message = quoted + " appears only in the subject CN: accepted through the legacy CN "
                             "fallback, which Go clients refuse";
        c.fix = add_san;
        break;
      case NameMatch::rejected: {
        c.severity = Severity::error;
        // Only without any subjectAltName does a profile's reason differ (go's legacy-CN
        // refusal); otherwise every client simply finds the name missing.
        const x509::CertNames names = x509::cert_names(server.leaf());
        const bool cn_only = names.cn == server_name && !names.any_san();
        if (cn_only) {
          c.message = quoted + " appears only in the subject CN: rejected (" + j.detail + ")";
          c.fix = add_san;
        } else {
          c.message = quoted + " is not in the certificate (" + names_in(server.leaf()) + ")";
          c.fix = add_san + ", or connect with a name the certificate holds";
        }
        break;
      }
    }
    per_profile.push_back(std::move(c));
  }
  out.append(merge_profiles(std::move(per_profile), profiles));
}

}  // namespace tlsmatrix::validate
