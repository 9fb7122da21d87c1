// `tlsmatrix run [PATH...]`: load every scenario (a malformed one stops everything before any
// cell starts), run scenario x mode x profile cells in parallel, print the table, write the
// requested reports. Exit 0 when every cell matched, 1 on any mismatch, 2 on bad input or when
// the harness's environment left cells without a verdict (after the reports are written).
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "harness/cli/at_option.h"
#include "harness/certs/key_pool.h"
#include "harness/certs/pem_io.h"
#include "harness/cli/commands.h"
#include "harness/handshake/handshake_cost.h"
#include "harness/io/input_error.h"
#include "harness/runner/real_clients.h"
#include "harness/io/utc_time.h"
#include "harness/ossl/verify_time.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/runner.h"
#include "harness/scenario/catalogue_location.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/verdict/profile.h"
#include "reports/bench/cost_report.h"
#include "reports/run/run_console.h"
#include "reports/run/run_reports.h"
#include "reports/run/summary.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix::cli {

namespace {

struct RunCliOptions {
  std::vector<std::string> paths;  // empty: the catalogue (harness/scenario/catalogue_location.h)
  std::vector<int> modes{0, 1, 2};
  std::vector<std::string> profiles;
  std::vector<std::string> servers;
  bool real_clients = false;
  bool cost = false;
  bool no_key_cache = false;
  std::string filter;
  int jobs = 0;
  double timeout_s = 5;
  reports::ReportPaths reports;
  std::string json, junit, markdown, html;
  std::string at;  // --at: empty = the real clock
};

std::vector<scenario::Scenario> apply_filter(std::vector<scenario::Scenario> all, const std::string& glob) {
  if (glob.empty()) return all;
  std::vector<scenario::Scenario> kept;
  for (auto& s : all) {
    if (fnmatch(glob.c_str(), s.name.c_str(), 0) == 0) kept.push_back(std::move(s));
  }
  if (kept.empty()) {
    throw io::InputError("--filter '" + glob + "': matches none of the " + std::to_string(all.size()) +
                     " scenario names");
  }
  return kept;
}

// `run --cost`: each scenario x TLS mode whose grpc-core cell on the harness's server passed
// (a set that works there) gets its handshake cost, with the files that cell used. Measured
// after every cell has run, so no cell's CPU is counted in a figure.
std::vector<handshake::NamedCost> scenario_costs(const std::vector<scenario::Scenario>& scenarios,
                                                 const runner::RunResult& run) {
  std::vector<handshake::NamedCost> out;
  for (const auto& scenario : scenarios) {
    std::vector<int> modes;
    for (const auto& cell : run.cells) {
      if (cell.scenario == scenario.name && (cell.mode == 1 || cell.mode == 2) &&
          cell.profile == "grpc-core" && cell.server == verdict::kHarnessServer && cell.actual.outcome == verdict::Outcome::pass) {
        modes.push_back(cell.mode);
      }
    }
    if (modes.empty()) continue;
    const certs::CertSet certs = runner::scenario_cert_set(scenario);
    const endpoints::ServerFiles server = runner::server_files(scenario, certs);
    for (int mode : modes) {
      const endpoints::ClientSetup client = runner::client_setup(scenario, certs, mode);
      handshake::CostComparison cost;
      try {
        // Parsed as each end parsed them for the cell (garbage files never get this far: the
        // cell passed).
        auto chain = certs::parse_certs(server.cert_chain_pem, "tls.serverPemPath");
        auto key = certs::parse_private_key(server.key_pem, "tls.serverKeyPath");
        std::vector<ossl::X509Ptr> cas, trust, client_chain;
        if (!server.ca_pem.empty()) cas = certs::parse_certs(server.ca_pem, "tls.caPemPath");
        if (!client.trust_pem.empty()) trust = certs::parse_certs(client.trust_pem, client.trust_label);
        ossl::EvpPkeyPtr client_key;
        if (!client.cert_chain_pem.empty()) {
          client_chain = certs::parse_certs(client.cert_chain_pem, client.cert_label);
          client_key = certs::parse_private_key(client.key_pem, client.key_label);
        }
        handshake::CostFiles f;
        f.server_chain = handshake::borrowed(chain);
        f.server_key = key.get();
        f.client_cas = handshake::borrowed(cas);
        f.trust = handshake::borrowed(trust);
        f.server_name = client.server_name;
        f.client_chain = handshake::borrowed(client_chain);
        f.client_key = client_key.get();
        cost = handshake::measure_files_cost(mode, f, handshake::kRunCostSeconds);
      } catch (const std::exception& e) {
        cost = handshake::compare_costs(mode, "unknown key", handshake::HandshakeCost{false, e.what()},
                                        handshake::p256_cost(mode));
      }
      out.push_back({scenario.name, std::move(cost)});
    }
  }
  return out;
}

// "\r[ 57/270] name mode 1 go" on a terminal, overwritten in place and cleared at the end.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void update(int done, int total, const runner::CellResult& cell) {
    if (!enabled_) return;
    std::string width = std::to_string(std::to_string(total).size());
    char head[32];
    std::snprintf(head, sizeof head, ("\r[%" + width + "d/%d] ").c_str(), done, total);
    std::string line = head + cell.scenario + " mode " + std::to_string(cell.mode) + " " + cell.profile;
    if (cell.server != verdict::kHarnessServer) line += " @" + cell.server;
    if (line.size() > 100) line.resize(100);
    std::cerr << line << "\033[K" << std::flush;
  }
  void clear() {
    if (enabled_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool enabled_;
};

int do_run(const RunCliOptions& o) {
  std::vector<std::filesystem::path> paths(o.paths.begin(), o.paths.end());
  if (paths.empty()) {
    scenario::CatalogueLocation catalogue = scenario::locate_catalogue(scenario::this_process_catalogue_places());
    std::cout << describe(catalogue) << std::endl;
    paths.push_back(catalogue.path);
  }
  // Everything that can be wrong with the input is found before the first cell runs.
  std::vector<scenario::Scenario> scenarios = apply_filter(scenario::load_scenarios(paths), o.filter);
  reports::ReportPaths report_paths;
  if (!o.json.empty()) report_paths.json = o.json;
  if (!o.junit.empty()) report_paths.junit = o.junit;
  if (!o.markdown.empty()) report_paths.markdown = o.markdown;
  if (!o.html.empty()) report_paths.html = o.html;
  reports::check_report_paths(report_paths);

  runner::silence_grpc_logging();
  // The scenarios' keys are test keys, the same every run: made once per machine. Never for
  // keys a user deploys (certs gen keeps its own fresh ones).
  const char* no_cache_env = std::getenv("TLSMATRIX_NO_KEY_CACHE");
  if (!o.no_key_cache && !(no_cache_env != nullptr && no_cache_env[0] != '\0')) {
    if (auto dir = certs::KeyPool::default_cache_dir()) certs::KeyPool::shared().use_disk_cache(*dir);
  }
  // --at: every cell's handshake (both ends, every profile) verifies at that moment; the
  // scenarios' certificates are still generated relative to the real now.
  const std::optional<std::chrono::sys_seconds> at = at_time(o.at);
  const ossl::ScopedVerificationTime clock(at);
  if (at) std::cout << "judged as at " << io::readable_utc(*at) << " (--at)" << std::endl;
  // A closed stdout (`| head`) must not kill the run before its report files are written.
  std::signal(SIGPIPE, SIG_IGN);
  runner::RunOptions ro;
  ro.modes = o.modes;
  std::sort(ro.modes.begin(), ro.modes.end());
  ro.modes.erase(std::unique(ro.modes.begin(), ro.modes.end()), ro.modes.end());
  ro.profiles = o.profiles;
  ro.servers = o.servers;
  ro.jobs = o.jobs;
  ro.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
  Progress progress;
  ro.on_cell_done = [&progress](int done, int total, const runner::CellResult& c) { progress.update(done, total, c); };
  ro.on_note = [](const std::string& line) { std::cerr << line << "\n"; };
  runner::RunResult run = runner::run_scenarios(scenarios, ro);
  if (at) run.at = io::iso8601_utc(*at);
  progress.clear();
  if (o.cost) {
    if (isatty(STDERR_FILENO) == 1) std::cerr << "measuring each scenario's handshake cost...\n";
    run.cost = scenario_costs(scenarios, run);
  }
  if (o.real_clients) {
    if (isatty(STDERR_FILENO) == 1) std::cerr << "running the real clients...\n";
    run.real_clients = runner::check_real_clients(scenarios, run, ro.timeout);
  }

  reports::print_console_report(std::cout, run, reports::detect_console_options(STDOUT_FILENO));
  if (run.real_clients) {
    std::cout << "\nReal clients (" << (run.real_clients->clients_dir.empty() ? "none found" : run.real_clients->clients_dir)
              << "):\n";
    for (const auto& line : reports::real_clients_lines(run)) std::cout << "  " << line << "\n";
  }
  if (run.cost) std::cout << "\n" << reports::cost_table(*run.cost);
  std::cout.flush();
  reports::write_reports(run, report_paths);
  if (run.harness_errors() > 0) {
    // Not a mismatch: the run cannot say what these cells would have done.
    std::cerr << "tlsmatrix: harness error: " << run.harness_error << "\n";
    return kExitBadInput;
  }
  const bool real_disagree = run.real_clients && !run.real_clients->disagreements.empty();
  return run.mismatched() == 0 && !real_disagree ? kExitOk : kExitMismatch;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<RunCliOptions>();
  auto* cmd = app.add_subcommand(
      "run",
      "Run scenario files (or folders of them) in every tlsMode and client profile with real gRPC\n"
      "servers and clients on 127.0.0.1, and compare each cell's outcome and reason with the\n"
      "scenario's expectation. Exit 0 all matched, 1 any mismatch, 2 bad input (a malformed\n"
      "scenario stops the run before any cell starts and no report is written) or cells the\n"
      "harness could not run (e.g. out of file descriptors, even one cell at a time: the\n"
      "reports mark them harness_error). --jobs is lowered to what ulimit -n has room for.");
  cmd->add_option("paths", opts->paths,
                  "Scenario files or folders (folders: every *.yaml inside; none: the catalogue, see below)")
      ->check(CLI::ExistingPath);
  cmd->add_option("--modes", opts->modes, "tlsModes to run, comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember({0, 1, 2}))
      ->capture_default_str();
  std::vector<std::string> names = verdict::client_profile_names();
  // The names are in the option's type ({grpc-core,go,node}): not listed again here.
  cmd->add_option("--profiles", opts->profiles, "Client profiles, comma-separated (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember(names));
  cmd->add_option("--servers", opts->servers,
                  "Server profiles, comma-separated (default: harness): harness = the harness's own gRPC C++\n"
                  "server; milvus = the same server set to decide as Milvus's Go proxy does (TLS 1.3 only\n"
                  "in mode 2, CA names, Go's rules for client chains, weak server certificates served;\n"
                  "docs/milvus-rules.md). Each cell runs with each server; reports show the server")
      ->delimiter(',')
      ->check(CLI::IsMember(verdict::server_profile_names()));
  cmd->add_flag("--real-clients", opts->real_clients,
                "Also run the real client stacks that are installed (python3-grpcio for grpc-core, go,\n"
                "node) on every TLS cell (modes 1 and 2) beside the prediction, and list each cell where\n"
                "they disagree (exit 1); a stack that is not installed is skipped with a note");
  cmd->add_flag("--cost", opts->cost,
                "Also measure each scenario's handshake cost in modes 1 and 2 where its grpc-core cell\n"
                "passed (CPU per handshake with its files, beside an ECDSA P-256 set; 0.1 s each, after\n"
                "the cells) and add it to the text and JSON reports");
  cmd->add_flag("--no-key-cache", opts->no_key_cache,
                "Generate every scenario key afresh instead of reusing the ones kept in\n"
                "$XDG_CACHE_HOME/tlsmatrix/keys (else ~/.cache/tlsmatrix/keys; also TLSMATRIX_NO_KEY_CACHE=1)");
  cmd->add_option("--filter", opts->filter, "Only scenarios whose name matches this shell glob (e.g. 'name-*')");
  cmd->add_option("--jobs,-j", opts->jobs,
                  "Cells run in parallel (default: the number of cores; capped by ulimit -n)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--timeout", opts->timeout_s, "Seconds one cell may take before it fails with `timeout`")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  add_at_option(*cmd, opts->at);
  cmd->add_option("--json", opts->json, "Write the JSON report (docs/report-formats.md) to this file");
  cmd->add_option("--junit", opts->junit, "Write a JUnit XML report (one testcase per cell) to this file");
  cmd->add_option("--markdown", opts->markdown,
                  "Append a Markdown summary to this file (created if missing; appends, as GitHub's "
                  "$GITHUB_STEP_SUMMARY expects)");
  cmd->add_option("--html", opts->html, "Write a self-contained HTML report to this file");
  cmd->footer(scenario::catalogue_lookup_help() + "\n\n" + std::string(reports::kReportFilesHelp));
  cmd->callback([opts, &action] { action = [opts] { return do_run(*opts); }; });
}

}  // namespace tlsmatrix::cli
