// tlsmatrix: TLS handshake conformance harness for gRPC services secured the way Milvus does it.
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/help_format.h"
#include "harness/io/harness_error.h"
#include "harness/io/input_error.h"
#include "harness/ossl/process_init.h"

int main(int argc, char** argv) {
  tlsmatrix::ossl::init_for_process();
  using namespace tlsmatrix::cli;
  CLI::App app{
      "tlsmatrix: checks gRPC TLS setups (Milvus tlsMode 0/1/2) with real handshakes.\n"
      "Exit codes: 0 all as expected, 1 a mismatch or failed check, 2 usage error or bad input."};
  // Set before the commands are added: each subcommand takes its parent's formatter.
  auto help = std::make_shared<HelpFormatter>();
  app.formatter(help);
  app.set_version_flag("--version", std::string("tlsmatrix ") + TLSMATRIX_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  Action action;
  add_run_command(app, action);
  add_certs_command(app, action);
  add_validate_command(app, action);
  add_rotate_command(app, action);
  add_probe_command(app, action);
  add_serve_command(app, action);
  add_bench_command(app, action);
  add_exporter_command(app, action);
  // Set after the commands are added, which would inherit it. The list says what each command is
  // for; its own --help says the rest.
  app.footer("Run 'tlsmatrix COMMAND --help' for a command's options, output and exit codes.");
  help->summary("run",
                "Run scenarios in every tlsMode and client profile with real gRPC handshakes on "
                "127.0.0.1 and compare each cell with the scenario's expectation.");
  help->summary("validate",
                "Check a Milvus deployment's TLS files before you start it: will they work with "
                "every client, in its tlsMode, and for how long?");
  help->summary("rotate",
                "Before a certificate rotation: which rollout order of servers, client trust and "
                "client certificates never breaks a client (real handshakes)?");
  help->summary("bench",
                "Measure TLS handshakes per second and their latency by tlsMode, key type and TLS "
                "version, held against the library's ceiling.");
  help->summary("exporter",
                "Probe endpoints for Prometheus: tlsMode, mutual TLS enforced, chains per "
                "client, expiry.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // CLI11 uses 0 for --help/--version and 100+ for parse errors; ours is 2.
    return code == 0 ? kExitOk : kExitBadInput;
  }
  if (!action) return kExitBadInput;
  try {
    return action();
  } catch (const tlsmatrix::io::InputError& e) {
    std::cerr << "tlsmatrix: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const tlsmatrix::io::HarnessError& e) {
    std::cerr << "tlsmatrix: harness error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "tlsmatrix: internal error: " << e.what() << "\n";
    return kExitBadInput;
  }
}
