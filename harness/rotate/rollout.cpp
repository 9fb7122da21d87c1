#include "harness/rotate/rollout.h"

#include <algorithm>
#include <future>
#include <map>
#include <thread>

#include "harness/certs/pem_io.h"
#include "harness/certs/rotation.h"
#include "harness/endpoints/tls_client.h"
#include "harness/endpoints/tls_server.h"
#include "harness/io/file_io.h"
#include "harness/io/harness_error.h"
#include "harness/io/input_error.h"
#include "harness/runner/descriptors.h"
#include "harness/runner/runner.h"
#include "harness/verdict/profile.h"

namespace tlsmatrix::rotate {

namespace fs = std::filesystem;

namespace {

const char* scale(int v) { return v == 0 ? "old" : v == 1 ? "bundle" : "new"; }

struct SetFiles {
  fs::path dir;
  certs::LayoutSet::Text pem;                // the files as read, each checked to parse
  std::optional<std::string> bundle;  // ca-bundle.pem, in the set moved to
};

SetFiles load_set(const fs::path& dir, bool bundle_wanted) {
  if (!fs::is_directory(dir)) throw io::InputError(dir.string() + ": not a folder");
  SetFiles s{dir, certs::read_layout(dir).text, std::nullopt};
  if (bundle_wanted && fs::exists(dir / certs::kCaBundlePem)) {
    std::string text = io::read_file(dir / certs::kCaBundlePem);
    certs::parse_certs(text, (dir / certs::kCaBundlePem).string());  // checked to parse, as the set's own files are
    s.bundle = std::move(text);
  }
  return s;
}

std::string label(const fs::path& dir, const char* name) { return (dir / name).string(); }

struct Files {
  SetFiles from, to;
  const std::string& ca(int v) const { return v == 0 ? from.pem.ca : v == 1 ? *to.bundle : to.pem.ca; }
  std::string ca_label(int v) const {
    return v == 0 ? label(from.dir, certs::kCaPem) : v == 1 ? label(to.dir, certs::kCaBundlePem) : label(to.dir, certs::kCaPem);
  }
};

runner::CellResult run_mix_cell(const Files& f, const Mix& m, int mode, const verdict::ClientProfile& profile,
                        const RolloutInput& in) {
  const SetFiles& srv = m.server_new ? f.to : f.from;
  endpoints::ServerFiles server;
  server.cert_chain_pem = srv.pem.server;
  server.key_pem = srv.pem.server_key;
  server.ca_pem = f.ca(m.server_ca);
  server.cert_label = "tls.serverPemPath (" + label(srv.dir, certs::kServerPem) + ")";
  server.key_label = "tls.serverKeyPath (" + label(srv.dir, certs::kServerKey) + ")";
  server.ca_label = "tls.caPemPath (" + f.ca_label(m.server_ca) + ")";
  const SetFiles& cli = m.client_cert_new ? f.to : f.from;
  endpoints::ClientSetup client;
  client.secure = true;
  client.server_name = in.server_name;
  client.trust_pem = f.ca(m.client_trust);
  client.cert_requested = mode == 2;
  if (mode == 2) {
    // pymilvus rule 3: ca_pem_path, client_pem_path and client_key_path.
    client.trust_label = "ca_pem_path (" + f.ca_label(m.client_trust) + ")";
    client.cert_chain_pem = cli.pem.client;
    client.key_pem = cli.pem.client_key;
    client.cert_label = "client_pem_path (" + label(cli.dir, certs::kClientPem) + ")";
    client.key_label = "client_key_path (" + label(cli.dir, certs::kClientKey) + ")";
  } else {
    // Rule 2: server_pem_path is the only root (the CA file here); no client certificate.
    client.trust_label = "server_pem_path (" + f.ca_label(m.client_trust) + ")";
  }
  scenario::Scenario s;
  s.name = "rotate";
  s.file = in.to.string();
  for (int md : scenario::kModes) s.expect[md] = scenario::Expectation{verdict::Verdict{}, {}};
  return runner::run_cell(s, server, client, mode, profile, in.timeout);
}

std::vector<const verdict::ClientProfile*> selected_profiles(const std::vector<std::string>& names) {
  std::vector<const verdict::ClientProfile*> out;
  for (const auto& p : verdict::client_profiles()) {
    if (names.empty() || std::find(names.begin(), names.end(), p.name) != names.end()) out.push_back(&p);
  }
  return out;
}

Mix apply(Mix m, StepKind k, bool has_bundle) {
  switch (k) {
    case StepKind::bundle: m.client_trust = 1; break;
    case StepKind::servers:
      m.server_new = true;
      m.server_ca = has_bundle && m.client_trust != 2 ? 1 : 2;
      break;
    case StepKind::client_certs: m.client_cert_new = true; break;
    case StepKind::client_trust: m.client_trust = 2; break;
    case StepKind::drop_old_ca:
      m.client_trust = 2;
      if (m.server_new) m.server_ca = 2;
      break;
  }
  return m;
}

}  // namespace

std::string Mix::server_text() const { return server_new ? "new" : "old"; }
std::string Mix::server_ca_text() const { return scale(server_ca); }
std::string Mix::trust_text() const { return scale(client_trust); }
std::string Mix::cert_text() const { return client_cert_new ? "new" : "old"; }

bool MixResult::ok() const {
  return std::all_of(cells.begin(), cells.end(), [](const runner::CellResult& c) { return c.actual.outcome == verdict::Outcome::pass; });
}

bool Rollout::any_safe() const {
  return std::any_of(orders.begin(), orders.end(), [](const Order& o) { return o.safe; });
}
bool Rollout::all_safe() const {
  return !orders.empty() && std::all_of(orders.begin(), orders.end(), [](const Order& o) { return o.safe; });
}

std::string mix_verdict_text(const MixResult& mix, int mode) {
  std::map<std::string, std::vector<std::string>> by_reason;
  std::size_t in_mode = 0;
  for (const auto& c : mix.cells) {
    if (c.mode != mode) continue;
    ++in_mode;
    if (c.actual.outcome != verdict::Outcome::pass) by_reason[std::string(to_string(c.actual.reason))].push_back(c.profile);
  }
  if (by_reason.empty()) return "ok";
  std::string out;
  for (const auto& [reason, names] : by_reason) {
    if (!out.empty()) out += "; ";
    if (names.size() == in_mode) {
      out += reason;
    } else {
      std::string who;
      for (const auto& n : names) who += (who.empty() ? "" : ",") + n;
      out += who + ": " + reason;
    }
  }
  return out;
}

Rollout plan_rollout(const RolloutInput& in) {
  Rollout r;
  r.input = in;
  Files f{load_set(in.from, false), load_set(in.to, true)};
  const bool has_bundle = f.to.bundle.has_value();
  const bool server_changes = f.from.pem.server != f.to.pem.server || f.from.pem.server_key != f.to.pem.server_key ||
                              f.from.pem.ca != f.to.pem.ca || has_bundle;
  const bool cert_changes = f.from.pem.client != f.to.pem.client || f.from.pem.client_key != f.to.pem.client_key;
  const bool trust_changes = f.from.pem.ca != f.to.pem.ca;
  const std::string to_ca = label(in.to, certs::kCaPem);
  if (has_bundle && trust_changes) {
    r.steps.push_back({StepKind::bundle, "bundle", "give clients " + label(in.to, certs::kCaBundlePem) +
                                                       " (old and new roots) to trust"});
  }
  if (server_changes) {
    r.steps.push_back({StepKind::servers, "servers",
                       "roll the servers: " + label(in.to, certs::kServerPem) + ", " + label(in.to, certs::kServerKey) +
                           ", tls.caPemPath " + (has_bundle && trust_changes ? label(in.to, certs::kCaBundlePem) : to_ca)});
  }
  if (cert_changes) {
    r.steps.push_back({StepKind::client_certs, "client-certs",
                       "roll the client certificates: " + label(in.to, certs::kClientPem) + ", " + label(in.to, certs::kClientKey)});
  }
  if (trust_changes) {
    if (has_bundle) {
      r.steps.push_back({StepKind::drop_old_ca, "drop-old-ca",
                         "drop the old CA: clients trust " + to_ca + " only, and so does the servers' tls.caPemPath"});
    } else {
      r.steps.push_back({StepKind::client_trust, "client-trust", "switch clients to trust " + to_ca});
    }
  }
  const bool bundle_steps = has_bundle && trust_changes;

  // Every admissible order (the bundle before the old CA is dropped), in the canonical one first.
  std::vector<int> perm(r.steps.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int>(i);
  std::vector<std::vector<Mix>> paths;
  std::vector<Mix> distinct{Mix{}};
  do {
    auto pos = [&](StepKind k) {
      for (std::size_t i = 0; i < perm.size(); ++i) {
        if (r.steps[static_cast<std::size_t>(perm[i])].kind == k) return static_cast<int>(i);
      }
      return -1;
    };
    if (bundle_steps && pos(StepKind::bundle) > pos(StepKind::drop_old_ca)) continue;
    Order o;
    o.steps = perm;
    std::vector<Mix> path{Mix{}};
    for (int s : perm) path.push_back(apply(path.back(), r.steps[static_cast<std::size_t>(s)].kind, bundle_steps));
    for (const Mix& m : path) {
      if (std::find(distinct.begin(), distinct.end(), m) == distinct.end()) distinct.push_back(m);
    }
    r.orders.push_back(std::move(o));
    paths.push_back(std::move(path));
  } while (std::next_permutation(perm.begin(), perm.end()));

  // Every cell of every mix, side by side as far as the descriptor limit has room.
  const auto profiles = selected_profiles(in.profiles);
  struct Task {
    std::size_t mix;
    int mode;
    const verdict::ClientProfile* profile;
  };
  std::vector<Task> tasks;
  for (std::size_t m = 0; m < distinct.size(); ++m) {
    for (int mode : in.modes) {
      for (const verdict::ClientProfile* p : profiles) tasks.push_back({m, mode, p});
    }
  }
  std::vector<runner::CellResult> cells(tasks.size());
  const int wanted = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::size_t jobs = static_cast<std::size_t>(std::max(1, runner::jobs_within_descriptors(wanted)));
  for (std::size_t first = 0; first < tasks.size(); first += jobs) {
    std::vector<std::future<runner::CellResult>> batch;
    for (std::size_t i = first; i < std::min(tasks.size(), first + jobs); ++i) {
      batch.push_back(std::async(std::launch::async, [&, t = tasks[i]] {
        return run_mix_cell(f, distinct[t.mix], t.mode, *t.profile, in);
      }));
    }
    for (std::size_t i = first; i < std::min(tasks.size(), first + jobs); ++i) cells[i] = batch[i - first].get();
  }
  // A cell the environment stopped has no verdict, and failures beside it are suspect: each
  // failed cell runs again alone; what is still stopped is the harness's trouble (exit 2).
  const bool starved = std::any_of(cells.begin(), cells.end(), [](const runner::CellResult& c) { return !c.harness_error.empty(); });
  if (starved) {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (cells[i].actual.outcome == verdict::Outcome::pass) continue;
      cells[i] = run_mix_cell(f, distinct[tasks[i].mix], tasks[i].mode, *tasks[i].profile, in);
      if (!cells[i].harness_error.empty()) {
        throw io::HarnessError("a rotate cell could not run: " + cells[i].detail +
                           " (no verdict about these files; raise `ulimit -n` and run again)");
      }
    }
  }
  for (const Mix& m : distinct) r.mixes.push_back({m, {}});
  for (std::size_t i = 0; i < tasks.size(); ++i) r.mixes[tasks[i].mix].cells.push_back(std::move(cells[i]));

  auto index_of = [&](const Mix& m) {
    return static_cast<int>(std::find(distinct.begin(), distinct.end(), m) - distinct.begin());
  };
  for (std::size_t k = 0; k < r.orders.size(); ++k) {
    Order& o = r.orders[k];
    o.safe = true;
    for (std::size_t step = 0; step < paths[k].size(); ++step) {
      const int mi = index_of(paths[k][step]);
      const MixResult& mr = r.mixes[static_cast<std::size_t>(mi)];
      if (mr.ok()) continue;
      o.safe = false;
      o.break_after = static_cast<int>(step) - 1;
      o.break_mix = mi;
      for (std::size_t c = 0; c < mr.cells.size(); ++c) {
        if (mr.cells[c].actual.outcome != verdict::Outcome::pass) {
          o.break_cell = static_cast<int>(c);
          break;
        }
      }
      break;
    }
  }
  // The recommended order first: the first safe one in canonical enumeration.
  std::stable_partition(r.orders.begin(), r.orders.end(), [](const Order& o) { return o.safe; });
  return r;
}

}  // namespace tlsmatrix::rotate
