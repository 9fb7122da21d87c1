// `tlsmatrix rotate --from DIR --to DIR`: the rollout matrix (harness/rotate/rollout.h). Exit 0
// when some order of the steps is safe, 1 when none is, 2 on bad input.
#include <chrono>
#include <iostream>
#include <memory>

#include "harness/cli/at_option.h"
#include "harness/certs/pem_io.h"
#include "harness/cli/commands.h"
#include "harness/handshake/handshake_cost.h"
#include "harness/io/input_error.h"
#include "harness/io/utc_time.h"
#include "harness/ossl/verify_time.h"
#include "harness/rotate/rollout.h"
#include "harness/runner/runner.h"
#include "harness/validate/milvus_config.h"
#include "harness/verdict/profile.h"
#include "reports/bench/cost_report.h"
#include "reports/rotate/rotate_report.h"
#include "reports/common/write_reports.h"

namespace tlsmatrix::cli {

namespace {

struct RotateOptions {
  std::string from, to, milvus_yaml, server_name = "localhost", at;
  std::vector<int> modes{1, 2};
  std::vector<std::string> profiles;
  double timeout_s = 5;
  std::string json, junit, markdown;
  bool no_cost = false;
};

// One set's cost per mode, its files as the rollout's cells use them (servers verify clients
// with the set's ca.pem, clients trust it and present client.pem in mode 2). The rollout has
// already loaded every file, so they parse.
std::vector<handshake::CostComparison> set_cost(const std::filesystem::path& dir,
                                                const std::vector<int>& modes,
                                                const std::string& server_name) {
  const auto ca = certs::load_certs(dir / "ca.pem");
  const auto server = certs::load_certs(dir / "server.pem");
  const auto server_key = certs::load_private_key(dir / "server.key");
  const auto client = certs::load_certs(dir / "client.pem");
  const auto client_key = certs::load_private_key(dir / "client.key");
  handshake::CostFiles f;
  f.server_chain = handshake::borrowed(server);
  f.server_key = server_key.get();
  f.client_cas = handshake::borrowed(ca);
  f.trust = handshake::borrowed(ca);
  f.server_name = server_name;
  f.client_chain = handshake::borrowed(client);
  f.client_key = client_key.get();
  std::vector<handshake::CostComparison> out;
  for (int mode : modes) out.push_back(handshake::measure_files_cost(mode, f));
  return out;
}

int run_rotate(const RotateOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const std::string started_text = io::iso8601_utc(std::chrono::system_clock::now());
  const reports::ReportPaths paths = reports::report_paths_from(o.json, o.junit, o.markdown, "");
  reports::check_report_paths(paths);
  rotate::RolloutInput in;
  in.from = o.from;
  in.to = o.to;
  in.modes = o.modes;
  if (!o.milvus_yaml.empty()) {
    const validate::MilvusTlsConfig cfg = validate::load_milvus_config(o.milvus_yaml);
    if (cfg.tls_mode != 1 && cfg.tls_mode != 2) {
      throw io::InputError(o.milvus_yaml + ": tlsMode " + std::to_string(cfg.tls_mode) +
                       " serves plaintext: there are no certificates to rotate");
    }
    in.modes = {cfg.tls_mode};
  }
  std::sort(in.modes.begin(), in.modes.end());
  in.modes.erase(std::unique(in.modes.begin(), in.modes.end()), in.modes.end());
  in.profiles = o.profiles;
  in.server_name = o.server_name;
  in.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));

  const std::optional<std::chrono::sys_seconds> at = at_time(o.at);
  const ossl::ScopedVerificationTime clock(at);
  runner::silence_grpc_logging();
  rotate::Rollout rollout = rotate::plan_rollout(in);
  if (at) rollout.at = io::iso8601_utc(*at);
  std::optional<reports::RotateCost> cost;
  if (!o.no_cost) cost = reports::RotateCost{set_cost(in.from, in.modes, in.server_name),
                                             set_cost(in.to, in.modes, in.server_name)};
  const int code = rollout.any_safe() ? kExitOk : kExitMismatch;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  std::string modes;
  for (int m : in.modes) modes += (modes.empty() ? "" : ",") + std::to_string(m);
  std::cout << "tlsmatrix rotate: from " << in.from.string() << " to " << in.to.string() << ", tlsMode " << modes
            << ", server name '" << in.server_name << "'\n";
  if (at) std::cout << "  judged as at " << io::readable_utc(*at) << " (--at)\n";
  std::cout << reports::rotate_text(rollout);
  if (cost) {
    for (std::size_t i = 0; i < cost->from.size(); ++i) {
      std::cout << reports::cost_lines(cost->from[i], "the old") << reports::cost_lines(cost->to[i], "the new");
    }
  }
  std::cout << "rotate: " << (code == kExitOk ? "a safe order exists" : "no safe order") << " ("
            << static_cast<long>(ms) << " ms)\n";
  std::cout.flush();
  const reports::CheckReport checks = reports::rotate_check_report(rollout, started_text, ms);
  reports::write_reports(paths, {.json = [&] { return reports::rotate_json(rollout, code, ms, cost) + "\n"; },
                                 .junit = [&] { return reports::render_check_junit(checks); },
                                 .markdown = [&] { return reports::render_check_markdown(checks); }});
  return code;
}

}  // namespace

void add_rotate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<RotateOptions>();
  auto* cmd = app.add_subcommand(
      "rotate",
      "Before a certificate rotation: which rollout order is safe? Runs real handshakes for\n"
      "every mix of old and new files a rolling update passes through ({old,new} server x\n"
      "{old,bundle,new} client trust x {old,new} client certificate, per tlsMode and client\n"
      "profile), prints the grid, the safe orders as numbered steps, and for each unsafe order\n"
      "the first cell that breaks and why. Exit 0 when some order is safe, 1 when none is, 2 on\n"
      "bad input.");
  cmd->footer(
      "Each folder is a Milvus-layout set: ca.pem, server.pem, server.key, client.pem,\n"
      "client.key (what `tlsmatrix certs gen` writes). The servers use server.pem and\n"
      "server.key with tls.caPemPath ca.pem; clients trust ca.pem and, in tlsMode 2,\n"
      "present client.pem. A --to folder with ca-bundle.pem (old and new roots, as\n"
      "`certs rotate-ca` writes) adds the steps 'give clients ca-bundle.pem' and 'drop the\n"
      "old CA', and the rolled servers use it as tls.caPemPath until the old CA is dropped.\n"
      "\n"
      "Examples:\n"
      "  tlsmatrix certs rotate-ca --in tls --out tls-next\n"
      "  tlsmatrix rotate --from tls --to tls-next --milvus-yaml milvus.yaml\n"
      "  tlsmatrix rotate --from tls --to tls-next --at +30d --json rotate.json\n"
      "\n" +
      std::string(reports::kReportFilesHelp));
  cmd->add_option("--from", o->from, "The set deployed now (Milvus layout, see below)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--to", o->to, "The next set (e.g. from `certs renew` or `certs rotate-ca`)")
      ->required()
      ->check(CLI::ExistingDirectory);
  auto* yaml = cmd->add_option("--milvus-yaml", o->milvus_yaml,
                               "milvus.yaml to take the tlsMode from (common.security.tlsMode)")
                   ->check(CLI::ExistingFile);
  cmd->add_option("--modes", o->modes, "tlsModes to check without --milvus-yaml, comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember({1, 2}))
      ->capture_default_str()
      ->excludes(yaml);
  cmd->add_option("--profiles", o->profiles, "Client profiles, comma-separated (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember(verdict::client_profile_names()));
  cmd->add_option("--server-name", o->server_name, "Name clients connect with (pymilvus server_name)")
      ->capture_default_str();
  cmd->add_flag("--no-cost", o->no_cost,
                "skip the handshake cost of the old and the new set (CPU per handshake beside an "
                "ECDSA P-256 set, about 0.3 s per set and mode)");
  add_at_option(*cmd, o->at);
  cmd->add_option("--timeout", o->timeout_s, "Seconds one handshake cell may take")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  cmd->add_option("--json", o->json, "also write the result as JSON to this file");
  cmd->add_option("--junit", o->junit,
                  "also write a JUnit XML report: one testcase per order (unsafe orders fail when "
                  "none is safe, else they are warnings)");
  cmd->add_option("--markdown", o->markdown, reports::kCheckMarkdownHelp);
  cmd->callback([o, &action] { action = [o] { return run_rotate(*o); }; });
}

}  // namespace tlsmatrix::cli
