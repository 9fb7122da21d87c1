#include "harness/probe/chain_checks.h"

#include <algorithm>

#include "harness/io/shell_word.h"
#include "harness/probe/probe_findings.h"
#include "harness/verdict/advice.h"
#include "harness/x509/names.h"

namespace tlsmatrix::probe {

namespace {

// A name the certificate covers that clients could connect with (--server-name): its first DNS
// SAN that is not a wildcard.
std::string first_dns_name(const x509::CertNames& names) {
  for (const auto& n : names.dns) {
    if (n.find('*') == std::string::npos) return n;
  }
  return "";
}

// This probe again with another --server-name, as a command that runs as printed.
std::string probe_command_with_name(const ProbeOptions& o, const ProbeReport& r, const std::string& name) {
  std::vector<std::string> args{"tlsmatrix", "probe", r.endpoint};
  if (o.expected_mode) args.insert(args.end(), {"--tls-mode", std::to_string(*o.expected_mode)});
  if (!o.trust.empty()) args.insert(args.end(), {"--trust", o.trust_file});
  if (o.client) {
    args.insert(args.end(),
                {"--client-pem", o.client_pem_file, "--client-key", o.client_key_file});
  }
  args.insert(args.end(), {"--server-name", name});
  if (o.timeout != std::chrono::milliseconds(5000)) {
    std::string t = io::seconds_text(o.timeout);
    args.insert(args.end(), {"--timeout", t.substr(0, t.size() - 2)});  // without " s"
  }
  return io::shell_command(args);
}

}  // namespace

void chain_checks(const ProbeOptions& o, const std::vector<ossl::X509Ptr>& presented, ProbeReport& r) {
  if (presented.empty()) {
    add_check(r, "chain", Severity::error, "the server presents a certificate", "no certificate seen",
              "", verdict::Reason::server_cert_invalid);
    return;
  }
  if (o.trust.empty()) {
    add_check(r, "chain", Severity::warning, "the chain verifies", "not checked: no --trust given",
              "pass --trust with the file your clients trust (ca.pem; pymilvus server_pem_path or "
              "ca_pem_path)");
    return;
  }
  std::vector<X509*> chain, trust;
  for (const auto& c : presented) chain.push_back(c.get());
  for (const auto& t : o.trust) trust.push_back(t.get());
  // What the advice table needs to know about these files.
  verdict::AdviceContext context;
  context.server_name = r.server_name;
  context.server_name_given = !o.server_name.empty();
  const x509::CertNames names = x509::cert_names(chain.front());
  context.name_only_in_cn = !names.any_san() && !names.cn.empty();
  context.sans = r.chain.front().sans;
  context.trust_file = o.trust_file;
  const verdict::TrustFinding found = verdict::find_trust_role(chain, trust);
  context.trust = found.role;
  context.trust_instead = found.trust_instead;
  if (const std::string name = first_dns_name(names);
      !context.server_name_given && !name.empty() && name != r.server_name) {
    context.retry_command = probe_command_with_name(o, r, name);
  }
  for (const auto& profile : probe_profiles()) {
    if (!o.profiles.empty() &&
        std::find(o.profiles.begin(), o.profiles.end(), profile) == o.profiles.end()) {
      continue;
    }
    ProfileVerdict v = verify_as_profile(profile, chain, trust, r.server_name);
    std::string title = "the chain verifies with " + o.trust_file + " for \"" + r.server_name +
                        "\" as a " + profile + " client would";
    if (v.reason == verdict::Reason::ok) {
      add_check(r, "chain." + profile, Severity::ok, title, "");
    } else {
      add_check(r, "chain." + profile, Severity::error, title,
                std::string(to_string(v.reason)) + ": " + v.detail,
                verdict::advice(v.reason, verdict::find_profile(profile), verdict::AdviceFor::probe, context), v.reason);
    }
  }
}

void validity_checks(ProbeReport& r) {
  if (r.chain.empty()) return;
  const CertInfo& leaf = r.chain.front();
  const std::string title = "the server certificate is valid now";
  if (leaf.expired) {
    add_check(r, "leaf_validity", Severity::error, title,
              "expired " + std::to_string(-leaf.days_left) + " days ago (" + leaf.not_after + ")",
              verdict::advice(verdict::Reason::server_cert_expired, nullptr, verdict::AdviceFor::probe, {}),
              verdict::Reason::server_cert_expired);
  } else if (leaf.not_yet_valid) {
    add_check(r, "leaf_validity", Severity::error, title, "valid only from " + leaf.not_before,
              verdict::advice(verdict::Reason::server_cert_not_yet_valid, nullptr, verdict::AdviceFor::probe, {}),
              verdict::Reason::server_cert_not_yet_valid);
  } else if (leaf.days_left < 30) {
    add_check(r, "leaf_expiry", Severity::warning, "the server certificate has 30 days or more left",
              std::to_string(leaf.days_left) + " days left (until " + leaf.not_after + ")",
              "renew it soon");
  }
}

}  // namespace tlsmatrix::probe
