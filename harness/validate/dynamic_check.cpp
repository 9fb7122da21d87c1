#include "harness/validate/dynamic_check.h"

#include <future>

#include "harness/certs/cert_factory.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/runner.h"
#include "harness/validate/profile_rules.h"
#include "harness/verdict/advice.h"
#include "harness/verdict/hostname_match.h"

namespace tlsmatrix::validate {

namespace {

// The runner runs scenario cells over a certificate set; the deployment's files become a set
// whose entries hold exactly what the files hold (re-encoded as PEM, since they may be DER).
GeneratedCert entry(const std::string& name, const CertFile* certs, const KeyFile* key) {
  GeneratedCert g;
  g.name = name;
  if (certs != nullptr) {
    g.cert = ossl::up_ref(certs->leaf());
    for (X509* c : certs->all()) g.cert_pem += to_pem(c);
  }
  if (key != nullptr) {
    g.key = ossl::up_ref(key->key.get());
    g.key_pem = to_pem(key->key.get());
  }
  return g;
}

// `checked` is the name the client actually checked: --server-name, or without it the address
// it connected to, which the advice must name (an empty "DNS:" would send the user nowhere).
std::string fix_for(Reason r, const DeploymentInput& in, const std::string& checked) {
  AdviceContext context;
  context.server_name = checked;
  context.server_name_given = !in.server_name.empty();
  return advice(r, nullptr, AdviceFor::validate, context);
}

}  // namespace

std::vector<CheckResult> run_dynamic_check(const DeploymentInput& in, const LoadedDeployment& f,
                                           std::chrono::milliseconds timeout) {
  if (!uses_tls(in.tls_mode) || !f.server_pem || !f.server_key) return {};
  const CertFile* trust = f.trust ? &*f.trust : (f.ca_pem ? &*f.ca_pem : nullptr);
  if (trust == nullptr) {
    return {{"handshake", Severity::warning, "",
             "not tried: the client has nothing to trust (no --trust and no caPemPath)",
             "pass --trust with the file clients trust", {}}};
  }

  CertSet set;
  set.add(entry("server", &*f.server_pem, nullptr));
  set.add(entry("server-key", nullptr, &*f.server_key));
  set.add(entry("trust", trust, nullptr));
  if (f.ca_pem) set.add(entry("ca", &*f.ca_pem, nullptr));
  const bool client_cert = in.tls_mode == 2 && f.client_pem && f.client_key;
  if (client_cert) {
    set.add(entry("client", &*f.client_pem, nullptr));
    set.add(entry("client-key", nullptr, &*f.client_key));
  }

  Scenario s;
  s.name = "validate";
  s.file = in.config_file.string();
  s.server.cert = "server";
  s.server.key = "server-key";
  if (f.ca_pem) s.server.ca = "ca";
  if (client_cert) {
    s.client.ca_pem_path = "trust";
    s.client.client_pem_path = "client";
    s.client.client_key_path = "client-key";
  } else {
    s.client.server_pem_path = "trust";
  }
  s.client.server_name = in.server_name;
  for (int m : kModes) s.expect[m] = Expectation{Verdict{}, {}};

  const std::string checked = checked_name(client_setup(s, set, in.tls_mode));
  const std::vector<std::string>& profiles = in.profiles.empty() ? profile_names() : in.profiles;
  // One server and one client per profile, all at once: each cell owns its port and objects.
  std::vector<std::future<CellResult>> cells;
  for (const auto& name : profiles) {
    const ClientProfile* p = find_profile(name);
    if (p == nullptr) continue;
    cells.push_back(std::async(std::launch::async, [&, p] {
      return run_cell(s, set, in.tls_mode, *p, timeout);
    }));
  }
  std::vector<CheckResult> per_profile;
  const std::string client_words = client_cert ? "presenting " + f.client_pem->name() : "no client certificate";
  for (auto& fut : cells) {
    CellResult cell = fut.get();
    CheckResult c;
    c.check = "handshake";
    c.profiles = {cell.profile};
    const std::string setup = "local server in tlsMode " + std::to_string(in.tls_mode) +
                              ", client trusting " + trust->name() + ", " + client_words;
    if (cell.actual.outcome == Outcome::pass) {
      c.message = setup + ": handshake and one RPC succeeded";
    } else {
      c.severity = Severity::error;
      // The runner's details carry no per-cell ports, so profiles that fail alike merge.
      const std::string& detail = cell.detail;
      c.message = setup + ": fails with " + std::string(to_string(cell.actual.reason)) +
                  (detail.empty() ? "" : " (" + detail + ")");
      c.fix = fix_for(cell.actual.reason, in, checked);
    }
    per_profile.push_back(std::move(c));
  }
  return merge_profiles(std::move(per_profile), profiles);
}

}  // namespace tlsmatrix::validate
