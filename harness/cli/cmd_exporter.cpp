// `tlsmatrix exporter`: the probe as a Prometheus target (the blackbox exporter pattern).
// Prometheus asks GET /probe?target=HOST:PORT&module=NAME; the module names probe settings kept
// in the exporter's config, so trust and client files never travel in URLs.
#include <signal.h>

#include <cerrno>
#include <iostream>
#include <memory>
#include <string>

#include "harness/cli/commands.h"
#include "harness/exporter/exporter_config.h"
#include "harness/exporter/http_server.h"

namespace tlsmatrix::cli {

namespace {

struct ExporterFlags {
  std::string listen = "127.0.0.1:9219";
  std::string config;
  bool check_config = false;
};

int run_exporter(const ExporterFlags& f) {
  exporter::ExporterConfig config = exporter::load_exporter_config(f.config);
  if (f.check_config) {
    std::cout << f.config << ": " << config.modules.size() << " module"
              << (config.modules.size() == 1 ? "" : "s") << ", fine\n";
    return kExitOk;
  }
  // Signals are taken synchronously by this thread; the HTTP threads inherit the mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto server = exporter::HttpServer::start(std::move(config), f.listen);
  // The first line as `serve` prints it, so scripts and tests read both the same way.
  std::cout << "listening on " << server->address() << std::endl;
  std::cout << "serving http://" << server->address() << "/probe?target=HOST:PORT&module=NAME and /metrics"
            << std::endl;
  int sig = 0;
  do {
    sig = sigwaitinfo(&stop, nullptr);
  } while (sig < 0 && errno == EINTR);
  server.reset();
  return kExitOk;
}

}  // namespace

void add_exporter_command(CLI::App& app, Action& action) {
  auto f = std::make_shared<ExporterFlags>();
  auto* cmd = app.add_subcommand(
      "exporter",
      "Serve the probe to Prometheus (the blackbox exporter pattern): GET\n"
      "/probe?target=HOST:PORT&module=NAME probes the endpoint with the module's settings and\n"
      "answers in Prometheus's text format: success, the inferred tlsMode, whether mutual TLS is\n"
      "enforced, the unrelated-CA and plaintext checks (0/1; an inconclusive check has no 0/1,\n"
      "only tlsmatrix_probe_check_inconclusive), the chain verdict per client profile, each\n"
      "certificate's expiry, the TLS version and handshake time. GET /metrics: the exporter's\n"
      "own counters. A probe fits in the module's timeout and in Prometheus's scrape timeout\n"
      "(X-Prometheus-Scrape-Timeout-Seconds less 0.5 s); bad query parameters and unknown\n"
      "modules get HTTP 400 with a one-line reason; beyond max_concurrent_probes, 503.\n"
      "Stops on Ctrl-C or SIGTERM. Exit 0 on a clean stop; 2 on a bad config or --listen.");
  cmd->add_option("--config", f->config,
                  "exporter.yaml: named modules (tls_mode, trust, client_pem, client_key, "
                  "server_name, profiles, timeout) and max_concurrent_probes")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--listen", f->listen,
                  "IP:PORT to serve on (port 0: any free port; the first line says which)")
      ->capture_default_str();
  cmd->add_flag("--check-config", f->check_config,
                "read the config and its files, say whether it is fine, and exit (0 or 2)");
  cmd->callback([f, &action] { action = [f] { return run_exporter(*f); }; });
}

}  // namespace tlsmatrix::cli
