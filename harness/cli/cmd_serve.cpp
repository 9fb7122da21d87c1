// tlsmatrix serve: a Milvus-like test server (the harness's own server endpoint) for a real
// client to try: prints "listening on HOST:PORT", then one line per handshake event with the
// reason as the server saw it.
#include <grpc/support/log.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>

#include "harness/certs/cert_factory.h"
#include "harness/certs/pem_io.h"
#include "harness/cli/commands.h"
#include "harness/endpoints/tls_server.h"
#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/server_stack_notes.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/endpoints/server_events.h"

namespace tlsmatrix::cli {

namespace {

struct ServeOptions {
  int mode = 1;
  std::string server_pem, server_key, ca_pem;
  std::string scenario;
  std::string out;
  std::string listen = "127.0.0.1:0";
  double duration_s = 0;
};

// One writer for every gRPC thread: whole lines, flushed at once, so a pipe reader sees each
// event as it happens.
std::mutex g_out_mu;
void print_event(const ServerEvent& e) {
  std::string line = format_server_event(e, std::chrono::system_clock::now());
  std::lock_guard lock(g_out_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// gRPC reports handshakes that fail before any of our hooks runs (no client certificate, a
// plaintext client, the client refusing our certificate) only in its log. A serve process holds
// exactly one server, so every such line is this server's.
void on_grpc_log(gpr_log_func_args* args) {
  if (auto e = server_event_from_grpc_log(args->message ? args->message : "")) print_event(*e);
}

ServerFiles files_from_paths(const ServeOptions& o) {
  ServerFiles f;
  f.cert_chain_pem = io::read_file(o.server_pem);
  f.key_pem = io::read_file(o.server_key);
  if (!o.ca_pem.empty()) f.ca_pem = io::read_file(o.ca_pem);
  // The files go to gRPC as they are (as Milvus hands them to Go's TLS stack), but our loaders
  // judge them first: their messages name the file and the problem (an encrypted key, an empty
  // CA file, thousands of certificates or names) where gRPC only says "no start line".
  parse_certs(f.cert_chain_pem, o.server_pem);
  parse_private_key(f.key_pem, o.server_key);
  if (!o.ca_pem.empty()) parse_certs(f.ca_pem, o.ca_pem);
  f.cert_label = "--server-pem " + o.server_pem;
  f.key_label = "--server-key " + o.server_key;
  f.ca_label = "--ca-pem " + (o.ca_pem.empty() ? std::string("(not given)") : o.ca_pem);
  return f;
}

int serve(const ServeOptions& o) {
  ServerFiles files;
  if (!o.scenario.empty()) {
    Scenario s = load_scenario(o.scenario);
    CertSet certs = scenario_cert_set(s);
    if (!o.out.empty()) write_cert_set(certs, o.out);
    files = server_files(s, certs);
  } else {
    if (o.server_pem.empty() || o.server_key.empty()) {
      if (o.mode == 1 || o.mode == 2) {
        throw InputError("serve: --tls-mode " + std::to_string(o.mode) +
                         " needs --server-pem and --server-key (or --scenario FILE)");
      }
    } else {
      files = files_from_paths(o);
    }
  }

  // Signals are taken synchronously by this thread; gRPC's threads (created below) inherit the
  // mask and never see them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  gpr_set_log_function(on_grpc_log);
  ServerHooks hooks;
  hooks.listen = o.listen;
  hooks.on_event = print_event;
  std::string config_error;
  auto server = TlsServer::start(o.mode, files, &config_error, hooks);
  // Where this server differs from Milvus's proxy for this mode, these files and any client.
  const FileTraits traits = file_traits_pem(files.cert_chain_pem, files.ca_pem, "");
  if (!server) {
    throw InputError("serve: the server would not start: " + config_error +
                     (traits.weak_server_cert ? " (Milvus's proxy, Go's crypto/tls, would start with it)" : ""));
  }

  {
    std::lock_guard lock(g_out_mu);
    std::cout << "listening on " << server->address() << std::endl;
  }
  for (const auto& note : serve_caveat_notes(o.mode, traits)) std::cerr << "note: " << note << "\n";
  std::cerr.flush();

  timespec wait{};
  timespec* timeout = nullptr;
  if (o.duration_s > 0) {
    auto ns = static_cast<long long>(o.duration_s * 1e9);
    wait.tv_sec = static_cast<time_t>(ns / 1000000000);
    wait.tv_nsec = static_cast<long>(ns % 1000000000);
    timeout = &wait;
  }
  int sig = 0;
  do {
    sig = timeout ? sigtimedwait(&stop, nullptr, timeout) : sigwaitinfo(&stop, nullptr);
  } while (sig < 0 && errno == EINTR);
  server.reset();
  gpr_set_log_function(nullptr);
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Run a Milvus-like gRPC test server for a real client (your application, Attu, an SDK) to\n"
      "try. Prints 'listening on HOST:PORT', then one line per handshake event with the reason\n"
      "as the server saw it (e.g. 'fail client_cert_missing'). Stops on Ctrl-C, SIGTERM or\n"
      "after --duration.");
  cmd->add_option("--tls-mode", o->mode, "Milvus common.security.tlsMode: 0 plaintext, 1 one-way TLS, 2 mutual TLS")
      ->required()
      ->check(CLI::IsMember({0, 1, 2}));
  auto* pem = cmd->add_option("--server-pem", o->server_pem, "tls.serverPemPath: server certificate (+ chain)")
                  ->check(CLI::ExistingFile);
  auto* key = cmd->add_option("--server-key", o->server_key, "tls.serverKeyPath: its private key")
                  ->check(CLI::ExistingFile);
  auto* ca = cmd->add_option("--ca-pem", o->ca_pem, "tls.caPemPath: CA for client certificates (mode 2)")
                 ->check(CLI::ExistingFile);
  auto* scen = cmd->add_option("--scenario", o->scenario,
                               "take the server's files from this scenario (certificates generated now)")
                   ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "with --scenario: also write the set (NAME.pem, NAME.key) here for the client")
      ->needs(scen);
  scen->excludes(pem)->excludes(key)->excludes(ca);
  cmd->add_option("--listen", o->listen, "address to listen on")->capture_default_str();
  cmd->add_option("--duration", o->duration_s, "stop after this many seconds (default: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action, o] { action = [o] { return serve(*o); }; });
}

}  // namespace tlsmatrix::cli
