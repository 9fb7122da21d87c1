#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "harness/certs/pem_io.h"
#include "harness/cli/commands.h"
#include "harness/io/input_error.h"
#include "harness/io/utc_time.h"
#include "harness/net/host_port.h"
#include "harness/probe/probe.h"
#include "reports/common/write_reports.h"
#include "reports/probe/probe_checks.h"
#include "reports/probe/probe_console.h"
#include "reports/probe/probe_json.h"

namespace tlsmatrix::cli {

namespace {

struct ProbeFlags {
  std::string endpoint;
  std::optional<int> tls_mode;
  std::string trust;
  std::string client_pem;
  std::string client_key;
  std::string server_name;
  double timeout_s = 5;
  std::string json, junit, markdown;
  bool fail_on_warning = false;
};

int run_probe_command(const ProbeFlags& f) {
  // Refuse an unwritable report path before probing, not after the report is on screen.
  const reports::ReportPaths report_paths =
      reports::report_paths_from(f.json, f.junit, f.markdown, "");
  reports::check_report_paths(report_paths);
  const auto started = std::chrono::system_clock::now();
  const auto started_steady = std::chrono::steady_clock::now();
  probe::ProbeOptions o;
  o.endpoint = net::parse_host_port(f.endpoint);
  o.expected_mode = f.tls_mode;
  o.server_name = f.server_name;
  o.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(f.timeout_s * 1000)));
  if (!f.trust.empty()) {
    o.trust = certs::load_certs(f.trust);
    o.trust_file = f.trust;
  }
  if (auto id = certs::load_identity(f.client_pem, f.client_key)) {
    o.client = std::move(*id);
    o.client_pem_file = f.client_pem;
    o.client_key_file = f.client_key;
  }

  probe::ProbeReport report = probe::run_probe(std::move(o));
  std::cout << reports::render_probe_console(report, reports::detect_console_options(STDOUT_FILENO));
  const findings::Counts counts = findings::count(report.checks);
  const bool warnings_fail = f.fail_on_warning && counts.warnings > 0;
  if (warnings_fail && counts.errors == 0) {
    std::cout << "probe: exit 1: warnings fail with --fail-on-warning\n";
  }
  std::cout.flush();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                              started_steady)
                        .count();
  const reports::CheckReport checks =
      reports::probe_check_report(report, io::iso8601_utc(started), ms, f.fail_on_warning);
  reports::write_reports(report_paths,
                         {.json = [&] { return reports::probe_json(report); },
                          .junit = [&] { return reports::render_check_junit(checks); },
                          .markdown = [&] { return reports::render_check_markdown(checks); }});
  // A known failure (or a warning that fails) outranks a check the probe could not settle.
  if (counts.errors > 0 || warnings_fail) return kExitMismatch;
  return counts.inconclusive > 0 ? kExitBadInput : kExitOk;
}

}  // namespace

void add_probe_command(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ProbeFlags>();
  auto* cmd = app.add_subcommand(
      "probe",
      "Check a live endpoint: which tlsMode it really runs, what it presents, what it lets in.\n"
      "Infers the mode (0 plaintext gRPC, 1 TLS, 2 TLS requiring a client certificate), shows the\n"
      "server's chain and whether it verifies with --trust under each client profile, and checks\n"
      "that a mode-2 endpoint turns away clients without a certificate or with one from an\n"
      "unrelated CA, and that a TLS endpoint turns away plaintext. Only HOST:PORT is contacted.\n"
      "A client counts as let in when the server answers HTTP/2 over TLS (gRPC does) or stays\n"
      "silent for min(timeout, 1 s) after the handshake (a short wait, said so in the output).\n"
      "A negative check passes only on the server's own answer (its alert, or its close once it\n"
      "had the client's certificate); when the probe's own TLS client stops a handshake (e.g. a\n"
      "certificate list beyond OpenSSL's limit) the check is inconclusive (?), never a pass.\n"
      "Exit 0: works in its mode with the given client files and passes the negative checks;\n"
      "1: a check failed (or warned, with --fail-on-warning); 2: bad input, a check was\n"
      "inconclusive and none failed, or a report that cannot be written.");
  cmd->footer(reports::kReportFilesHelp);
  cmd->add_option("endpoint", flags->endpoint, "HOST:PORT (IPv6 as [::1]:PORT)")->required();
  cmd->add_option("--tls-mode", flags->tls_mode,
                  "the mode the endpoint should run (0, 1, 2): checked instead of only inferred")
      ->check(CLI::Range(0, 2));
  cmd->add_option("--trust", flags->trust,
                  "PEM file the clients trust (ca.pem, or pymilvus server_pem_path)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--client-pem", flags->client_pem, "client certificate (PEM, leaf first)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--client-key", flags->client_key, "client private key (PEM or DER)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--server-name", flags->server_name,
                  "name to verify and send as SNI (default: HOST)");
  cmd->add_option("--timeout", flags->timeout_s,
                  "seconds for each connect + handshake and each read (default 5)")
      ->check(CLI::Range(0.01, 600.0));
  cmd->add_option("--json", flags->json,
                  "also write the report as JSON: tls_mode (the inferred mode, null when it cannot "
                  "be told), the chain, each check's id, status and reason");
  cmd->add_option("--junit", flags->junit, reports::kCheckJunitHelp);
  cmd->add_option("--markdown", flags->markdown, reports::kCheckMarkdownHelp);
  cmd->add_flag("--fail-on-warning", flags->fail_on_warning,
                "exit 1 when a check warns (e.g. the server certificate has less than 30 days "
                "left, or no --trust was given to judge the chain), not only when one fails");
  cmd->callback([flags, &action] { action = [flags] { return run_probe_command(*flags); }; });
}

}  // namespace tlsmatrix::cli
