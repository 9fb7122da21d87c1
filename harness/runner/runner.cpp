#include "harness/runner/runner.h"

#include <grpc/support/log.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "harness/certs/key_pool.h"
#include "harness/endpoints/tls_files.h"
#include "harness/io/list_text.h"
#include "harness/io/utc_time.h"
#include "harness/net/loopback.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/descriptors.h"
#include "harness/verdict/advice.h"
#include "harness/verdict/classify.h"

namespace tlsmatrix::runner {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The chain a server with `files` presents, for the engine.
verdict::PresentedChain presented_chain(const endpoints::ServerFiles& files) {
  verdict::PresentedChain chain;
  auto certs = endpoints::pem_certs(files.cert_chain_pem);
  for (auto& c : certs) {
    if (!chain.leaf) {
      chain.leaf = std::move(c);
    } else {
      chain.rest.push_back(std::move(c));
    }
  }
  return chain;
}

// Runs `fn(i)` for i in [0, n) on `jobs` threads. The first exception stops the handing out of
// further indices and is rethrown once the calls already running have returned: a run that is
// going to end in an error should not first spend minutes on cells whose results are dropped.
void parallel_for(int n, int jobs, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::exception_ptr error;
  auto worker = [&] {
    for (int i = next++; i < n && !failed; i = next++) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard lock(error_mu);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> threads;
  int count = std::max(1, std::min(jobs, n));
  for (int t = 1; t < count; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

std::string fix_hint(verdict::Reason reason, const scenario::Scenario& s) {
  // What the advice table needs from the scenario: is the name only in the server's CN, and what
  // is the client's trust root to the server's chain.
  verdict::AdviceContext context;
  // A bundle's first certificate stands for it: the advice is about a single root.
  const std::vector<std::string>& trust_names =
      s.client.server_pem_path.empty() ? s.client.ca_pem_path : s.client.server_pem_path;
  const std::string trust = trust_names.empty() ? std::string() : trust_names.front();
  for (const auto& spec : s.certs) {
    if (spec.name == s.server.cert && spec.sans.empty() && !spec.cn.empty()) context.name_only_in_cn = true;
    if (spec.name == trust && !spec.issuer.empty()) {
      context.trust = spec.name == s.server.cert ? verdict::TrustRole::ca_signed_leaf
                      : spec.ca                  ? verdict::TrustRole::intermediate
                                                 : verdict::TrustRole::unknown;
    }
  }
  return verdict::advice(reason, nullptr, verdict::AdviceFor::run_note, context);
}

// The cell could not be run for a reason of the harness's own (`error`: an errno from a real
// socket() call, 0 when gRPC alone failed): no verdict, and never one made up.
CellResult& no_verdict(CellResult& cell, int error, const std::string& what) {
  std::string cause = environment_error_text(error);
  cell.harness_error = cause.empty() ? what : cause;
  cell.harness_errno = error;
  cell.actual = verdict::Verdict{verdict::Outcome::fail, verdict::Reason::harness_error};
  cell.detail = "harness error, no verdict: " + (cause.empty() ? what : what + ": " + cause);
  cell.match = false;
  return cell;
}

// Every pooled key the scenarios' sets will ask for, each once.
std::vector<std::pair<certs::KeyType, int>> pooled_keys(const std::vector<scenario::Scenario>& scenarios) {
  std::set<std::pair<certs::KeyType, int>> keys;
  for (const auto& s : scenarios) {
    for (const auto& k : certs::pool_slots(s.certs)) keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

}  // namespace

void rerun_after_shortage(RunResult& run, int jobs, const std::function<CellResult(int)>& run_task) {
  auto first_error = [&run] {
    return std::find_if(run.cells.begin(), run.cells.end(), [](const CellResult& c) { return !c.harness_error.empty(); });
  };
  if (first_error() == run.cells.end()) return;
  const std::string cause = first_error()->harness_error;
  std::vector<int> suspects;
  for (int i = 0; i < static_cast<int>(run.cells.size()); ++i) {
    if (run.cells[i].actual.outcome == verdict::Outcome::fail) suspects.push_back(i);
  }
  // A few cells in a row without room even alone: the limit is simply too low, and every further
  // cell would only spend its wait to say so.
  constexpr int kGiveUpAfter = 5;
  int in_a_row = 0;
  const CellResult* last_error = nullptr;
  for (int i : suspects) {
    if (in_a_row >= kGiveUpAfter) {
      no_verdict(run.cells[i], last_error->harness_errno, "not run again: " + std::to_string(kGiveUpAfter) +
                                                              " cells in a row found no room even alone");
      continue;
    }
    run.cells[i] = run_task(i);
    in_a_row = run.cells[i].harness_error.empty() ? 0 : in_a_row + 1;
    if (in_a_row > 0) last_error = &run.cells[i];
  }
  run.notes.push_back("The process ran short while cells ran " + std::to_string(jobs) + " at a time (" + cause + "): the " +
                      std::to_string(suspects.size()) + " cells that failed ran again one at a time.");
  auto still = first_error();
  if (still == run.cells.end()) return;
  const int error = still->harness_errno;
  const std::string still_cause = still->harness_error;
  for (int i : suspects) {
    CellResult& c = run.cells[i];
    if (c.harness_error.empty() && c.actual.outcome == verdict::Outcome::fail) {
      no_verdict(c, error, "failed in a process that cannot give one cell what it needs");
    }
  }
  run.harness_error = still_cause + ": " + std::to_string(run.harness_errors()) + " of " +
                      std::to_string(run.cells.size()) + " cells have no verdict, even run one at a time; " +
                      environment_error_advice(error);
  run.notes.push_back("Harness error: " + run.harness_error);
}

void silence_grpc_logging() {
  // TLSMATRIX_GRPC_LOG=1 keeps them, for debugging the harness itself.
  if (const char* keep = std::getenv("TLSMATRIX_GRPC_LOG"); keep != nullptr && *keep == '1') return;
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_ERROR);
  gpr_set_log_function([](gpr_log_func_args*) {});
}

std::vector<const verdict::ServerProfile*> pick_server_profiles(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (verdict::find_server_profile(name) == nullptr) throw std::invalid_argument("unknown server profile: " + name);
  }
  std::vector<const verdict::ServerProfile*> out;
  for (const auto& p : verdict::server_profiles()) {
    if ((names.empty() && p.name == verdict::kHarnessServer) ||
        std::find(names.begin(), names.end(), p.name) != names.end()) {
      out.push_back(&p);
    }
  }
  return out;
}

CellResult run_cell(const scenario::Scenario& scenario, const certs::CertSet& certs, int mode, const verdict::ClientProfile& profile,
                    std::chrono::milliseconds timeout, std::chrono::milliseconds descriptor_wait,
                    const verdict::ServerProfile& server) {
  return run_cell(scenario, server_files(scenario, certs), client_setup(scenario, certs, mode), mode,
                  profile, timeout, descriptor_wait, server);
}

CellResult run_cell(const scenario::Scenario& scenario, const endpoints::ServerFiles& sfiles, const endpoints::ClientSetup& given_client,
                    int mode, const verdict::ClientProfile& profile, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds descriptor_wait, const verdict::ServerProfile& server_profile) {
  auto start = Clock::now();
  CellResult cell;
  cell.scenario = scenario.name;
  cell.scenario_file = scenario.file;
  cell.summary = scenario.summary;
  cell.mode = mode;
  cell.profile = profile.name;
  cell.server = server_profile.name;
  cell.expected = scenario.expectation(mode, profile.name, server_profile.name).verdict;
  const endpoints::ClientSetup csetup = client_for_server(given_client, profile, server_profile, sfiles, mode);

  // Without room for its sockets a cell's server cannot bind nor its client connect, and the
  // outcome would say nothing about the certificates.
  if (int e = wait_for_free_descriptors(kDescriptorsFreeAtCellStart, descriptor_wait); e != 0) {
    no_verdict(cell, e, "no room for the cell's sockets");
    cell.duration_ms = ms_since(start);
    return cell;
  }

  // A scenario that dials [::1] tests IPv6: without an IPv6 loopback the cell cannot be run, and
  // dialling 127.0.0.1 instead would answer another question.
  if (csetup.dial_host == "[::1]") {
    if (std::string why = net::ipv6_loopback_missing(); !why.empty()) {
      no_verdict(cell, 0, "not run: the scenario dials [::1] and " + why);
      cell.duration_ms = ms_since(start);
      return cell;
    }
  }

  verdict::CellObservation obs;
  obs.server_mode = mode;
  obs.client_secure = csetup.secure;
  obs.client_sends_cert = csetup.secure && !csetup.cert_chain_pem.empty();
  obs.engine_decides = !profile.native_grpc_core;
  {
    endpoints::StartFailure start_failure;
    endpoints::ServerHooks hooks;
    hooks.listen = listen_address(scenario);
    std::unique_ptr<endpoints::TlsServer> server =
        endpoints::TlsServer::start(mode, sfiles, &obs.server_config_error, hooks, &start_failure, server_profile);
    if (start_failure.rules) {
      no_verdict(cell, 0, obs.server_config_error);
      cell.duration_ms = ms_since(start);
      return cell;
    }
    if (start_failure.listen) {
      // The files were accepted; a loopback port 0 cannot be refused for anything a scenario holds.
      no_verdict(cell, probe_free_descriptors(1), obs.server_config_error);
      cell.duration_ms = ms_since(start);
      return cell;
    }
    if (server) {
      endpoints::ClientOutcome client = endpoints::call_health_check(server->port(), csetup, profile, timeout);
      if (!client.harness_trouble.empty()) {
        no_verdict(cell, 0, client.harness_trouble);
        cell.duration_ms = ms_since(start);
        return cell;
      }
      obs.client_config_error = client.config_error;
      obs.status_code = client.status_code;
      obs.client_message = client.message;
      endpoints::ClientCertLog::Entry seen = server->client_cert();
      obs.server_check_called = seen.called;
      obs.server_x509_error = seen.x509_error;
      obs.server_check_text = seen.text;
      obs.server_refused_hello = seen.hello_refused;
      const bool tls_both = csetup.secure && (mode == 1 || mode == 2) && !client.config_error;
      if (tls_both) {
        if (profile.native_grpc_core) {
          // The real client only says "certificate verify failed": the engine names the reason.
          std::vector<ossl::X509Ptr> roots = endpoints::pem_certs(csetup.trust_pem);
          std::vector<X509*> trusted;
          for (const auto& r : roots) trusted.push_back(r.get());
          obs.server_chain = verdict::verify_server(profile, presented_chain(sfiles), trusted, endpoints::checked_name(csetup));
        } else if (client.verifier_called) {
          obs.server_chain = client.verifier_verdict;
        }
      }
    }
  }
  verdict::CellVerdict v = verdict::classify(obs);
  cell.actual = v.verdict;
  cell.detail = v.detail;
  cell.disagreement = v.disagreement;
  cell.match = cell.actual == cell.expected;
  // A connection that failed while the process was short of descriptors may have failed for
  // that alone (the client's socket(), the server's accept(), gRPC's own wakeup descriptors),
  // whatever the reason named from it. The files' own load checks need no descriptors.
  const bool files_refused = !obs.server_config_error.empty() || obs.client_config_error;
  if (cell.actual.outcome == verdict::Outcome::fail && !files_refused) {
    if (int e = probe_free_descriptors(kDescriptorsPerCell); e != 0) no_verdict(cell, e, "the cell's connection failed");
  }
  cell.duration_ms = ms_since(start);
  return cell;
}

RunResult run_scenarios(const std::vector<scenario::Scenario>& scenarios, const RunOptions& options) {
  auto start = Clock::now();
  RunResult run;
  run.version = TLSMATRIX_VERSION;
  run.started = io::iso8601_utc(std::chrono::system_clock::now());

  for (const auto& name : options.profiles) {
    if (verdict::find_profile(name) == nullptr) throw std::invalid_argument("unknown client profile: " + name);
  }
  // Always in the profiles' own order, each once, whatever order they were asked for in.
  std::vector<const verdict::ClientProfile*> profiles;
  for (const auto& p : verdict::client_profiles()) {
    if (options.profiles.empty() ||
        std::find(options.profiles.begin(), options.profiles.end(), p.name) != options.profiles.end()) {
      profiles.push_back(&p);
    }
  }
  const std::vector<const verdict::ServerProfile*> servers = pick_server_profiles(options.servers);
  const int wanted = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = jobs_within_descriptors(wanted);
  if (jobs < wanted && options.on_note) {
    // "note: running 12 cells at a time, not 64: ulimit -n 64 has no room for more"
    options.on_note("note: running " + std::to_string(jobs) + (jobs == 1 ? " cell" : " cells") + " at a time, not " +
                    std::to_string(wanted) + ": ulimit -n " + std::to_string(descriptor_limit()) +
                    " has no room for more");
  }

  // The stand-in for default roots is built before cells race to it.
  endpoints::default_roots_pem();
  // Certificates once per scenario; every cell of that scenario reads them. Key generation (RSA
  // above all) is the slow part of a run, so sets are built on their own threads in scenario
  // order while cells run right behind them, each waiting only for its own scenario's set.
  std::vector<std::promise<void>> set_ready(scenarios.size());
  std::vector<std::shared_future<void>> set_done;
  for (auto& p : set_ready) set_done.push_back(p.get_future().share());
  std::vector<certs::CertSet> sets(scenarios.size());
  std::thread generator([&] {
    // Keys first, each exactly once: sets built side by side would otherwise race to generate
    // the same pooled (type, slot) key, and an RSA key is the most expensive thing in a run.
    try {
      certs::KeyPool::shared().warm(pooled_keys(scenarios));
    } catch (...) {
      // Only a head start, and nothing may leave this thread (it would abort the process): every
      // set asks the pool again for its own keys, so a key type this OpenSSL refuses fails the
      // first set that needs it, whose error names the scenario file.
    }
    // A set that cannot be built is the scenario file's fault (InputError naming it): the cells
    // waiting for it rethrow that, and the run stops without starting more cells. The loader
    // refuses every value OpenSSL is known to reject, so a malformed scenario never gets here.
    parallel_for(static_cast<int>(scenarios.size()), jobs, [&](int i) {
      try {
        sets[i] = scenario_cert_set(scenarios[i]);
        set_ready[i].set_value();
      } catch (...) {
        set_ready[i].set_exception(std::current_exception());
      }
    });
  });
  struct JoinOnExit {
    std::thread& t;
    ~JoinOnExit() { t.join(); }
  } join_generator{generator};

  struct Task {
    std::size_t scenario;
    int mode;
    const verdict::ClientProfile* profile;
    const verdict::ServerProfile* server;
  };
  // Scenario, then server profile, then mode, then client profile: a scenario's cells with one
  // server stay together (the portability notes group them).
  std::vector<Task> tasks;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (const verdict::ServerProfile* server : servers) {
      for (int mode : options.modes) {
        for (const verdict::ClientProfile* p : profiles) tasks.push_back({s, mode, p, server});
      }
    }
  }
  run.cells.resize(tasks.size());
  std::mutex progress_mu;
  int done = 0;
  // Once the pass has run short, its failed cells run again anyway: no more waiting for room.
  std::atomic<bool> short_of_room{false};
  parallel_for(static_cast<int>(tasks.size()), jobs, [&](int i) {
    const Task& t = tasks[i];
    set_done[t.scenario].get();
    run.cells[i] = run_cell(scenarios[t.scenario], sets[t.scenario], t.mode, *t.profile, options.timeout,
                            short_of_room ? std::chrono::milliseconds(0) : kDescriptorWait, *t.server);
    if (!run.cells[i].harness_error.empty()) short_of_room = true;
    if (options.on_cell_done) {
      std::lock_guard lock(progress_mu);
      options.on_cell_done(++done, static_cast<int>(tasks.size()), run.cells[i]);
    }
  });
  rerun_after_shortage(run, jobs, [&](int i) {
    const Task& t = tasks[i];
    return run_cell(scenarios[t.scenario], sets[t.scenario], t.mode, *t.profile, options.timeout, kDescriptorWait,
                    *t.server);
  });
  run.portability = portability_notes(scenarios, run.cells);
  // Milvus's own server did not run, yet these scenarios say it decides differently: its cells
  // are one flag away (they replace the hand-written notes this run once printed).
  const bool milvus_ran =
      std::any_of(servers.begin(), servers.end(), [](const verdict::ServerProfile* p) { return p->name == "milvus"; });
  if (!milvus_ran) {
    std::vector<std::string> differing;
    for (const auto& s : scenarios) {
      if (s.server_expect.count("milvus") > 0) differing.push_back(s.name);
    }
    if (!differing.empty()) {
      run.notes.push_back("These cells ran on the harness's own server (gRPC C++). Milvus's proxy (Go) decides " +
                          std::to_string(differing.size()) + " of these scenarios" +
                          " differently (" + io::join_and(differing) +
                          "); --servers harness,milvus runs its cells too.");
    }
  }
  // A disagreement between the real handshake and the engine is a harness bug even when the
  // cell happens to match: say so where every report shows it.
  for (const auto& c : run.cells) {
    if (c.disagreement) {
      run.notes.push_back(std::string(verdict::kDisagreementMarker) + " in " + c.scenario + " mode " +
                          std::to_string(c.mode) + " " + c.profile +
                          (c.server == verdict::kHarnessServer ? "" : " (server " + c.server + ")") + ": " + c.detail);
    }
  }
  run.wall_ms = ms_since(start);
  return run;
}

std::vector<PortabilityNote> portability_notes(const std::vector<scenario::Scenario>& scenarios,
                                               const std::vector<CellResult>& cells) {
  std::map<std::string, const scenario::Scenario*> by_name;
  for (const auto& s : scenarios) by_name[s.name] = &s;
  std::vector<PortabilityNote> notes;
  // Cells of one scenario x mode are adjacent (the run's order).
  for (std::size_t i = 0; i < cells.size();) {
    std::size_t j = i;
    while (j < cells.size() && cells[j].scenario == cells[i].scenario && cells[j].mode == cells[i].mode &&
           cells[j].server == cells[i].server)
      ++j;
    bool differ = false;
    for (std::size_t k = i + 1; k < j; ++k) differ |= !(cells[k].actual == cells[i].actual);
    if (differ) {
      std::vector<std::string> accepted;
      std::map<verdict::Reason, std::vector<std::string>> rejected;
      for (std::size_t k = i; k < j; ++k) {
        if (cells[k].actual.outcome == verdict::Outcome::pass) {
          accepted.push_back(cells[k].profile);
        } else {
          rejected[cells[k].actual.reason].push_back(cells[k].profile);
        }
      }
      std::string text;
      if (!accepted.empty()) text = "accepted by " + io::join_and(accepted);
      std::string hints;
      bool first = true;
      for (const auto& [reason, names] : rejected) {
        text += first ? (text.empty() ? "rejected by " : ", rejected by ") : ", ";
        text += io::join_and(names) + " (" + std::string(to_string(reason)) + ")";
        first = false;
        auto it = by_name.find(cells[i].scenario);
        std::string hint = it == by_name.end() ? "" : fix_hint(reason, *it->second);
        if (!hint.empty() && hints.find(hint) == std::string::npos) hints += (hints.empty() ? "" : "; ") + hint;
      }
      if (!hints.empty()) text += ": " + hints;
      if (cells[i].server != verdict::kHarnessServer) text = "with the " + cells[i].server + " server: " + text;
      notes.push_back({cells[i].scenario, cells[i].mode, text});
    }
    i = j;
  }
  return notes;
}

}  // namespace tlsmatrix::runner
