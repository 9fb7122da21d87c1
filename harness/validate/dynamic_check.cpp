#include "harness/validate/dynamic_check.h"

#include <algorithm>
#include <future>

#include "harness/certs/cert_factory.h"
#include "harness/io/harness_error.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/descriptors.h"
#include "harness/runner/runner.h"
#include "harness/validate/profile_rules.h"
#include "harness/verdict/advice.h"
#include "harness/verdict/hostname_match.h"

namespace tlsmatrix::validate {

namespace {

// The runner runs scenario cells over a certificate set; the deployment's files become a set
// whose entries hold exactly what the files hold (re-encoded as PEM, since they may be DER).
certs::GeneratedCert entry(const std::string& name, const CertFile* certs, const KeyFile* key) {
  certs::GeneratedCert g;
  g.name = name;
  if (certs != nullptr) {
    g.cert = ossl::up_ref(certs->leaf());
    for (X509* c : certs->all()) g.cert_pem += certs::to_pem(c);
  }
  if (key != nullptr) {
    g.key = ossl::up_ref(key->key.get());
    g.key_pem = certs::to_pem(key->key.get());
  }
  return g;
}

// `checked` is the name the client actually checked: --server-name, or without it the address
// it connected to, which the advice must name (an empty "DNS:" would send the user nowhere).
std::string fix_for(verdict::Reason r, const DeploymentInput& in, const std::string& checked) {
  verdict::AdviceContext context;
  context.server_name = checked;
  context.server_name_given = !in.server_name.empty();
  context.mode_setting = in.setting_name("common.security.tlsMode", "--tls-mode");
  return verdict::advice(r, nullptr, verdict::AdviceFor::validate, context);
}

}  // namespace

std::vector<Finding> run_dynamic_check(const DeploymentInput& in, const LoadedDeployment& f,
                                           std::chrono::milliseconds timeout,
                                           std::vector<runner::CellResult>* cells) {
  const bool tls = uses_tls(in.tls_mode);
  if (tls && (!f.server_pem || !f.server_key)) return {};
  // A plaintext server: only clients given TLS files are tried, to show what they meet.
  if (!tls && !f.trust && !f.client_pem && !f.client_key) return {};
  const CertFile* trust = f.trust ? &*f.trust : (tls && f.ca_pem ? &*f.ca_pem : nullptr);
  if (tls && trust == nullptr) {
    Findings out;
    out.warning("handshake", "", "not tried: the client has nothing to trust (no --trust and no caPemPath)",
                "pass --trust with the file clients trust");
    return out.take();
  }

  certs::CertSet set;
  scenario::Scenario s;
  s.name = "validate";
  s.file = in.config_file.string();
  if (tls) {
    set.add(entry("server", &*f.server_pem, nullptr));
    set.add(entry("server-key", nullptr, &*f.server_key));
    s.server.cert = "server";
    s.server.key = "server-key";
    if (f.ca_pem) {
      set.add(entry("ca", &*f.ca_pem, nullptr));
      s.server.ca = {"ca"};
    }
  }
  if (trust != nullptr) set.add(entry("trust", trust, nullptr));
  // pymilvus presents a certificate only with all three files (rule 3); a mode-1 server would
  // not ask for it.
  const bool client_cert =
      f.client_pem && f.client_key && trust != nullptr && (in.tls_mode == 2 || !tls);
  if (client_cert) {
    set.add(entry("client", &*f.client_pem, nullptr));
    set.add(entry("client-key", nullptr, &*f.client_key));
    s.client.ca_pem_path = {"trust"};
    s.client.client_pem_path = "client";
    s.client.client_key_path = "client-key";
  } else if (trust != nullptr) {
    s.client.server_pem_path = {"trust"};
  }
  s.client.server_name = in.server_name;
  // Clients given TLS files use TLS whatever the server does.
  if (!tls) s.client.secure = true;
  // Milvus serves plaintext for any mode other than 1 and 2.
  const int server_mode = tls ? in.tls_mode : 0;
  for (int m : scenario::kModes) s.expect[m] = scenario::Expectation{verdict::Verdict{}, {}};

  // Each end's files under the names the user gave them, for the runner's messages.
  endpoints::ServerFiles server = runner::server_files(s, set);
  if (tls) {
    server.cert_label = in.file_label("tls.serverPemPath", "--server-pem", f.server_pem->path);
    server.key_label = in.file_label("tls.serverKeyPath", "--server-key", f.server_key->path);
    if (f.ca_pem) server.ca_label = in.file_label("tls.caPemPath", "--ca-pem", f.ca_pem->path);
  }
  endpoints::ClientSetup client = runner::client_setup(s, set, server_mode);
  std::string trust_words = "gRPC's default roots";
  if (trust != nullptr) {
    client.trust_label = f.trust ? "--trust " + trust->name()
                                 : in.file_label("tls.caPemPath", "--ca-pem", trust->path);
    trust_words = trust->name() + " (" +
                  (f.trust ? std::string("--trust") : in.setting_name("tls.caPemPath", "--ca-pem")) +
                  ")";
  }
  if (client_cert) {
    client.cert_label = "--client-pem " + f.client_pem->name();
    client.key_label = "--client-key " + f.client_key->name();
  }

  const std::string checked = endpoints::checked_name(client);
  const std::vector<std::string>& profiles = in.profiles.empty() ? profile_names() : in.profiles;
  // One server and one client per profile, side by side as far as the descriptor limit has room
  // (descriptors.h: a starved cell can time out like a real failure); each cell owns its port.
  struct Pair {
    const verdict::ClientProfile* client;
    const verdict::ServerProfile* server;
  };
  std::vector<Pair> to_run;
  for (const verdict::ServerProfile* sp : runner::pick_server_profiles(in.servers)) {
    for (const auto& name : profiles) {
      if (const verdict::ClientProfile* p = verdict::find_profile(name)) to_run.push_back({p, sp});
    }
  }
  const std::size_t jobs = static_cast<std::size_t>(runner::jobs_within_descriptors(static_cast<int>(to_run.size())));
  std::vector<runner::CellResult> results;
  for (std::size_t first = 0; first < to_run.size(); first += jobs) {
    std::vector<std::future<runner::CellResult>> batch;
    for (std::size_t i = first; i < std::min(to_run.size(), first + jobs); ++i) {
      batch.push_back(std::async(std::launch::async, [&, p = to_run[i]] {
        return runner::run_cell(s, server, client, server_mode, *p.client, timeout, runner::kDescriptorWait, *p.server);
      }));
    }
    for (auto& fut : batch) results.push_back(fut.get());
  }
  std::vector<Finding> per_profile;
  const std::string client_words =
      client_cert ? "presenting " + f.client_pem->name() : "no client certificate";
  const std::string setup =
      tls ? "local server in tlsMode " + std::to_string(in.tls_mode) + ", client trusting " +
                trust_words + ", " + client_words
          : "local server in tlsMode " + std::to_string(in.tls_mode) + " (plaintext), client " +
                "with TLS trusting " + trust_words + ", " + client_words;
  // A cell the harness's environment stopped (no descriptors) has no verdict, and the other
  // failures beside it are suspect too (a starved cell may just time out): each failed cell runs
  // again alone, as `run` does; what is still stopped is the harness's trouble (exit 2), never a
  // finding about these files.
  const bool starved = std::any_of(results.begin(), results.end(), [](const runner::CellResult& c) {
    return c.actual.reason == verdict::Reason::harness_error;
  });
  if (starved) {
    for (auto& cell : results) {
      if (cell.actual.outcome == verdict::Outcome::pass) continue;
      cell = runner::run_cell(s, server, client, server_mode, *verdict::find_profile(cell.profile), timeout, runner::kDescriptorWait,
                      *verdict::find_server_profile(cell.server));
      if (cell.actual.reason == verdict::Reason::harness_error) {
        throw io::HarnessError("the handshake check for " + cell.profile + " could not run: " +
                           cell.detail + " (no verdict about these files; raise `ulimit -n` and run again)");
      }
    }
  }
  if (cells != nullptr) *cells = results;
  for (auto& cell : results) {
    Finding c;
    c.id = "handshake";
    c.profiles = {cell.profile};
    // With Milvus's server rules (--servers milvus) the server is named; the harness's own is
    // the "local server" of every earlier report.
    const std::string with_server =
        cell.server == verdict::kHarnessServer ? setup : setup + ", the server deciding as the " + cell.server + " server profile";
    if (cell.actual.outcome == verdict::Outcome::pass) {
      c.message = with_server + ": handshake and one RPC succeeded";
    } else {
      c.severity = Severity::error;
      // The runner's details carry no per-cell ports, so profiles that fail alike merge.
      const std::string& detail = cell.detail;
      c.message = with_server + ": fails with " + std::string(to_string(cell.actual.reason)) +
                  (detail.empty() ? "" : " (" + detail + ")");
      c.fix = fix_for(cell.actual.reason, in, checked);
    }
    per_profile.push_back(std::move(c));
  }
  return merge_profiles(std::move(per_profile), profiles);
}

}  // namespace tlsmatrix::validate
