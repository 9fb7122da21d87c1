// `tlsmatrix validate`: will these certificates work, with every client, in the configured
// mode, and for how long? Static checks on the files, then a dynamic check with a real local
// server and clients (harness/validate), then the report.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <utility>

#include "harness/cli/at_option.h"
#include "harness/cli/commands.h"
#include "harness/endpoints/tls_server.h"
#include "harness/handshake/handshake_cost.h"
#include "harness/io/input_error.h"
#include "harness/io/utc_time.h"
#include "harness/ossl/verify_time.h"
#include "harness/runner/runner.h"
#include "harness/verdict/server_profile.h"
#include "harness/validate/deployment_checks.h"
#include "harness/validate/dynamic_check.h"
#include "harness/validate/milvus_config.h"
#include "harness/validate/profile_rules.h"
#include "harness/validate/timeline.h"
#include "reports/bench/cost_report.h"
#include "reports/common/write_reports.h"
#include "reports/validate/validate_checks.h"
#include "reports/validate/validate_json.h"
#include "reports/validate/validate_text.h"

namespace tlsmatrix::cli {

namespace {

// Per profile, for the local server and client of the dynamic check (loopback: ample).
constexpr std::chrono::milliseconds kHandshakeTimeout{5000};

struct ValidateOptions {
  std::string milvus_yaml;
  std::string workdir;
  std::string root;
  std::optional<int> tls_mode;
  std::string server_pem, server_key, ca_pem;
  std::string client_pem, client_key, trust, server_name;
  int warn_days = 30;
  std::vector<std::string> profiles;
  std::vector<std::string> servers;
  std::string json, junit, markdown;
  bool fail_on_warning = false;
  std::string at;  // --at: empty = the real clock
  bool no_cost = false;
};

std::optional<std::filesystem::path> opt_path(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::filesystem::path(s);
}

validate::DeploymentInput build_input(const ValidateOptions& o) {
  validate::DeploymentInput in;
  if (!o.milvus_yaml.empty()) {
    validate::MilvusTlsConfig cfg = validate::load_milvus_config(o.milvus_yaml);
    validate::apply_milvus_config(cfg, validate::path_base(o.workdir, o.root), in);
  } else {
    in.tls_mode = *o.tls_mode;
    if (validate::uses_tls(in.tls_mode)) {
      in.server_pem = opt_path(o.server_pem);
      in.server_key = opt_path(o.server_key);
      in.ca_pem = opt_path(o.ca_pem);
    } else {
      const std::pair<const std::string*, const char*> given[] = {
          {&o.server_pem, "--server-pem"}, {&o.server_key, "--server-key"}, {&o.ca_pem, "--ca-pem"}};
      for (const auto& [value, flag] : given) {
        if (!value->empty()) in.unused_server_settings.push_back(flag);
      }
    }
  }
  // Kept in every mode: clients set up for TLS against a plaintext server are an error.
  in.client_pem = opt_path(o.client_pem);
  in.client_key = opt_path(o.client_key);
  in.trust = opt_path(o.trust);
  in.server_name = o.server_name;
  in.warn_days = o.warn_days;
  in.profiles = o.profiles;
  in.servers = o.servers;
  return in;
}

std::string header(const validate::DeploymentInput& in, std::optional<std::chrono::sys_seconds> at) {
  std::string out = "tlsmatrix validate: tlsMode " + std::to_string(in.tls_mode);
  out += in.config_file.empty() ? " (from flags)" : " (from " + in.config_file.string() + ")";
  if (!in.server_name.empty()) out += ", server name '" + in.server_name + "'";
  out += ", profiles ";
  const auto& profiles = in.profiles.empty() ? validate::profile_names() : in.profiles;
  for (std::size_t i = 0; i < profiles.size(); ++i) out += (i ? "," : "") + profiles[i];
  if (!in.servers.empty()) {
    out += ", servers ";
    for (std::size_t i = 0; i < in.servers.size(); ++i) out += (i ? "," : "") + in.servers[i];
  }
  if (at) out += "\n  judged as at " + io::readable_utc(*at) + " (--at): every handshake verifies at that time";
  return out;
}

// What a handshake with these files costs in the mode judged, beside P-256: the client as the
// dynamic check's (trusting --trust, else caPemPath; presenting --client-pem in mode 2). None in
// a plaintext mode: there is no handshake.
std::vector<handshake::CostComparison> deployment_cost(const validate::DeploymentInput& input,
                                                       const validate::LoadedDeployment& files) {
  if (!validate::uses_tls(input.tls_mode)) return {};
  handshake::CostFiles f;
  if (files.server_pem) f.server_chain = files.server_pem->all();
  if (files.server_key) f.server_key = files.server_key->key.get();
  if (files.ca_pem) f.client_cas = files.ca_pem->all();
  if (files.trust) {
    f.trust = files.trust->all();
  } else if (files.ca_pem) {
    f.trust = files.ca_pem->all();
  }
  f.server_name = input.server_name;
  if (files.client_pem && files.client_key) {
    f.client_chain = files.client_pem->all();
    f.client_key = files.client_key->key.get();
  }
  return {handshake::measure_files_cost(input.tls_mode, f)};
}

int run_validate(const ValidateOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  // Refuse an unwritable report path before the handshake, not after the report is on screen.
  const reports::ReportPaths report_paths =
      reports::report_paths_from(o.json, o.junit, o.markdown, "");
  reports::check_report_paths(report_paths);
  validate::DeploymentInput input = build_input(o);
  // --at: the static checks' dates and every handshake's verification judge at that moment.
  const std::optional<std::chrono::sys_seconds> at = at_time(o.at);
  if (at) input.now = *at;
  const ossl::ScopedVerificationTime clock(at);
  validate::LoadedDeployment files = validate::load_deployment(input);
  std::vector<validate::Finding> results = validate::run_static_checks(input, files);
  runner::silence_grpc_logging();
  std::vector<runner::CellResult> cells;
  for (auto& r : validate::run_dynamic_check(input, files, kHandshakeTimeout, &cells)) {
    results.push_back(std::move(r));
  }
  // The dates ahead at which these handshakes change, each found by running them at that date.
  const validate::Timeline timeline = validate::build_timeline(input, files, cells, kHandshakeTimeout);
  for (auto& r : validate::timeline_checks(timeline, input, !cells.empty())) results.push_back(std::move(r));

  std::optional<std::vector<handshake::CostComparison>> cost;
  if (!o.no_cost) cost = deployment_cost(input, files);

  // The handshake check ran with the harness's own server only: Milvus's proxy may decide
  // differently, and the way to see it is one flag away.
  const bool milvus_ran = std::find(input.servers.begin(), input.servers.end(), "milvus") != input.servers.end();
  std::vector<std::string> notes;
  if (!milvus_ran && input.tls_mode >= 1 && input.tls_mode <= 2) {
    notes.push_back(
        "the handshake check ran on the harness's own server (gRPC C++); Milvus's proxy (Go) "
        "decides some files differently: add --servers harness,milvus to check with its rules too");
  }
  const findings::Counts summary = findings::count(results);
  const bool warnings_fail = o.fail_on_warning && summary.warnings > 0;
  const int code = summary.errors > 0 || warnings_fail ? kExitMismatch : kExitOk;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::cout << header(input, at) << "\n" << reports::validate_text(results)
            << validate::render_timeline(timeline, input);
  // In the terminal only when a handshake failed, where the differences may be the cause; the
  // JSON always carries them.
  bool handshake_failed = false;
  for (const auto& r : results) {
    handshake_failed |= r.id == "handshake" && r.severity != validate::Severity::ok;
  }
  if (handshake_failed) {
    for (const auto& n : notes) std::cout << "  note: " << n << "\n";
  }
  if (cost) {
    for (const auto& c : *cost) std::cout << reports::cost_lines(c, "your");
  }
  std::cout << reports::validate_summary_line(summary) << " (" << static_cast<long>(ms) << " ms)\n";
  if (warnings_fail && summary.errors == 0) {
    std::cout << "validate: exit 1: warnings fail with --fail-on-warning\n";
  }
  // The report is on screen before a write can fail, so a full disk hides nothing.
  std::cout.flush();
  const reports::CheckReport checks = reports::validate_check_report(
      header(input, at), results, notes, io::iso8601_utc(input.now), ms, o.fail_on_warning);
  reports::write_reports(
      report_paths,
      {.json = [&] { return reports::validate_json(input, results, notes, code, ms, timeline, at.has_value(), cost) + "\n"; },
       .junit = [&] { return reports::render_check_junit(checks); },
       .markdown = [&] { return reports::render_check_markdown(checks); }});
  return code;
}

}  // namespace

void add_validate_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand(
      "validate",
      "Check a Milvus deployment's TLS files before you start it: will these certificates work "
      "with every client, in the configured tlsMode, and for how long?");
  cmd->footer(
      "Static checks: files readable (PEM or DER), keys match certificates, the server chain\n"
      "verifies to --trust and to caPemPath, what server.pem sends, --server-name in a\n"
      "subjectAltName under each profile's rules, validity (--warn-days), key strength and\n"
      "digest, keyUsage/extendedKeyUsage per role, CAs are CAs, and in mode 2 the client chain\n"
      "to caPemPath. Then a dynamic check: a local gRPC server on 127.0.0.1 with exactly these\n"
      "files in this mode, and one client per profile trusting --trust (else caPemPath),\n"
      "presenting --client-pem in mode 2.\n"
      "Then the cost: CPU per handshake with these files in this mode (TLS 1.3, server and\n"
      "client together, in memory, measured here for 0.3 s) and how it compares with an\n"
      "ECDSA P-256 set generated on the spot; --no-cost skips it.\n"
      "Each check prints ✓ (ok), ! (warning) or ✗ (error) with the file and, unless ok, a fix.\n"
      "Exit codes: 0 no errors (warnings allowed), 1 at least one error (or warning, with\n"
      "--fail-on-warning), 2 a file that cannot be read or parsed (the message names it), a\n"
      "report that cannot be written, or a usage error.\n"
      "\n"
      "milvus.yaml is read as Milvus reads it: the mode only at common.security.tlsMode\n"
      "(keys match ignoring case, '.' and '_'; absent = 0, plaintext). A tlsMode\n"
      "elsewhere (under common, at the top level), the older pages' tlsEnabled, or\n"
      "tls.* files without a tlsMode are errors naming the key found and the key Milvus\n"
      "reads; so are client files (--trust, --client-pem) against a plaintext mode:\n"
      "those clients fail with tls_to_plaintext. Milvus lets environment variables\n"
      "(COMMON_SECURITY_TLSMODE, ...) override milvus.yaml; validate reads only the\n"
      "file.\n"
      "\n"
      "Paths in milvus.yaml: Milvus opens relative paths from its working directory, so\n"
      "they are resolved against --workdir DIR, by default the current directory: run\n"
      "validate from where Milvus runs (for the older pages' configs/cert/server.pem,\n"
      "the Milvus root), not from the folder holding milvus.yaml. Absolute paths are\n"
      "used as they are, unless --root DIR is given: then /P is looked up as DIR/P, and\n"
      "if no file is there, as DIR/P without its first folder. So with a Docker Compose\n"
      "folder that mounts ./tls at /milvus/tls, `--milvus-yaml milvus.yaml --root .`\n"
      "finds /milvus/tls/server.pem at ./tls/server.pem. --root maps only absolute\n"
      "paths.\n"
      "\n"
      "Examples:\n"
      "  tlsmatrix validate --milvus-yaml milvus.yaml --root . --trust tls/ca.pem \\\n"
      "      --client-pem tls/client.pem --client-key tls/client.key \\\n"
      "      --server-name localhost\n"
      "  tlsmatrix validate --tls-mode 1 --server-pem server.pem \\\n"
      "      --server-key server.key --trust server.pem --server-name localhost\n"
      "\n" +
      std::string(reports::kReportFilesHelp));

  auto* yaml = cmd->add_option("--milvus-yaml", opts->milvus_yaml,
                               "milvus.yaml to read tls.serverPemPath, tls.serverKeyPath, "
                               "tls.caPemPath and common.security.tlsMode (absent = 0) from")
                   ->check(CLI::ExistingFile);
  cmd->add_option("--workdir", opts->workdir,
                  "Milvus's working directory, which relative paths in milvus.yaml are resolved "
                  "against (default: the current directory)")
      ->check(CLI::ExistingDirectory)
      ->needs(yaml);
  cmd->add_option("--root", opts->root,
                  "folder that absolute paths in milvus.yaml are mapped onto (see below)")
      ->check(CLI::ExistingDirectory)
      ->needs(yaml);
  auto* mode = cmd->add_option("--tls-mode", opts->tls_mode,
                               "server tlsMode when not reading milvus.yaml: 0 plaintext, 1 "
                               "one-way TLS, 2 mutual TLS")
                   ->excludes(yaml);
  auto* spem = cmd->add_option("--server-pem", opts->server_pem,
                               "server certificate (PEM or DER; leaf first, then intermediates)")
                   ->check(CLI::ExistingFile)
                   ->excludes(yaml);
  auto* skey = cmd->add_option("--server-key", opts->server_key, "server private key")
                   ->check(CLI::ExistingFile)
                   ->excludes(yaml);
  auto* capem = cmd->add_option("--ca-pem", opts->ca_pem,
                                "CA the server verifies client certificates with (Milvus "
                                "caPemPath; required in mode 2)")
                    ->check(CLI::ExistingFile)
                    ->excludes(yaml);
  for (auto* o : {spem, skey, capem}) o->needs(mode);
  auto* cpem = cmd->add_option("--client-pem", opts->client_pem,
                               "client certificate (pymilvus client_pem_path; used in mode 2)")
                   ->check(CLI::ExistingFile);
  cmd->add_option("--client-key", opts->client_key, "client private key (client_key_path)")
      ->check(CLI::ExistingFile)
      ->needs(cpem);
  cmd->add_option("--trust", opts->trust,
                  "what clients trust: server_pem_path in mode 1 (the pages use server.pem), "
                  "ca_pem_path in mode 2")
      ->check(CLI::ExistingFile);
  cmd->add_option("--server-name", opts->server_name,
                  "name clients connect with (pymilvus server_name), checked against the "
                  "server certificate's subjectAltName");
  cmd->add_option("--warn-days", opts->warn_days,
                  "warn when a certificate expires within this many days")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--profiles", opts->profiles,
                  "client profiles to judge with, comma-separated (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember(validate::profile_names()));
  cmd->add_option("--servers", opts->servers,
                  "server profiles the handshake check runs with, comma-separated (default: "
                  "harness): milvus decides as Milvus's Go proxy does (docs/milvus-rules.md)")
      ->delimiter(',')
      ->check(CLI::IsMember(verdict::server_profile_names()));
  cmd->add_flag("--fail-on-warning", opts->fail_on_warning,
                  "exit 1 when a check warns (e.g. a certificate expires within --warn-days), "
                  "not only when one fails");
  cmd->add_flag("--no-cost", opts->no_cost,
                "skip the handshake cost (CPU per handshake with these files beside an ECDSA "
                "P-256 set, measured for about 0.6 s in the mode judged)");
  add_at_option(*cmd, opts->at);
  cmd->add_option("--json", opts->json, "also write the report as JSON to this file");
  cmd->add_option("--junit", opts->junit, reports::kCheckJunitHelp);
  cmd->add_option("--markdown", opts->markdown, reports::kCheckMarkdownHelp);

  cmd->callback([opts, &action] {
    if (opts->milvus_yaml.empty() && !opts->tls_mode) {
      throw CLI::RequiredError("--milvus-yaml F, or --tls-mode N with the server files,");
    }
    action = [opts] { return run_validate(*opts); };
  });
}

}  // namespace tlsmatrix::cli
