// tlsmatrix serve: a Milvus-like test server (the harness's own server endpoint) for a real
// client to try: prints "listening on HOST:PORT", then one line per connection with the reason
// as the server saw it (and one per RPC served).
//
// Serving never waits for whoever reads the output: lines go through a bounded queue to a writer
// thread (io/line_writer.h), lines that do not fit are counted and the count is said on stderr at
// exit, a reader that goes away (EPIPE) ends the printing but not the serving, and SIGTERM stops
// serve within a second whatever stdout does.
#include <grpc/support/log.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "harness/certs/cert_factory.h"
#include "harness/certs/pem_io.h"
#include "harness/cli/commands.h"
#include "harness/endpoints/connection_front.h"
#include "harness/endpoints/connection_ledger.h"
#include "harness/endpoints/tls_server.h"
#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/line_writer.h"
#include "harness/runner/cell_setup.h"
#include "harness/endpoints/tls_files.h"
#include "harness/io/harness_error.h"
#include "harness/verdict/server_profile.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/endpoints/server_events.h"

namespace tlsmatrix::cli {

namespace {

struct ServeOptions {
  int mode = 1;
  std::string server_profile = "harness";
  std::string server_pem, server_key, ca_pem;
  std::string scenario;
  std::string out;
  std::string listen = "127.0.0.1:0";
  std::string tls_min, tls_max;  // "1.2", "1.3"; empty: the server profile's own
  double duration_s = 0;
};

using Clock = std::chrono::steady_clock;

// Lines waiting for stdout; past this, new ones are dropped and counted. A burst of handshakes
// from a client in a loop fits; a reader that stopped for good costs lines, not memory.
constexpr std::size_t kQueuedLines = 1024;
// At exit: how long lines still queued may take to reach stdout, and a message on stderr. At the
// start: how long the listening line may take to go out before the notes on stderr.
constexpr auto kOutputAtExit = std::chrono::milliseconds(250);
constexpr auto kStderrLimit = std::chrono::milliseconds(100);
constexpr auto kListeningLine = std::chrono::seconds(1);

// stderr is a pipe too, and may be as unread as stdout: a bounded write, dropped if it cannot go.
void say_on_stderr(const std::string& text) {
  io::write_with_deadline(STDERR_FILENO, "serve: " + text + "\n", Clock::now() + kStderrLimit);
}

std::string writer_trouble(const io::LineWriter::Stats& s) {
  if (s.reader_gone) return "stdout was closed by its reader";
  if (!s.error.empty()) return "writing to stdout failed: " + s.error;
  return "stdout was not read fast enough";
}

// gRPC's log function is process-wide and may run on any thread until it is unset; it reaches
// the ledger through this, which serve clears before the ledger goes.
std::mutex g_ledger_mu;
std::shared_ptr<endpoints::ConnectionLedger> g_ledger;

// gRPC reports handshakes that fail before any of our hooks runs (no client certificate, a
// plaintext client, the client refusing our certificate) only in its log, naming no connection:
// the ledger ties each to the connection it can only be about, or says it cannot.
void on_grpc_log(gpr_log_func_args* args) {
  std::shared_ptr<endpoints::ConnectionLedger> ledger;
  {
    std::lock_guard lock(g_ledger_mu);
    ledger = g_ledger;
  }
  if (!ledger) return;
  if (auto e = endpoints::server_event_from_grpc_log(args->message ? args->message : "")) ledger->report(*e);
}

// gRPC's log goes to the ledger while this lives, and nowhere afterwards: gRPC's default would
// write to stderr, blocking on a pipe nobody reads.
class GrpcLogToLedger {
 public:
  explicit GrpcLogToLedger(std::shared_ptr<endpoints::ConnectionLedger> ledger) {
    {
      std::lock_guard lock(g_ledger_mu);
      g_ledger = std::move(ledger);
    }
    gpr_set_log_function(on_grpc_log);
  }
  ~GrpcLogToLedger() {
    gpr_set_log_function([](gpr_log_func_args*) {});
    std::lock_guard lock(g_ledger_mu);
    g_ledger.reset();
  }
  GrpcLogToLedger(const GrpcLogToLedger&) = delete;
  GrpcLogToLedger& operator=(const GrpcLogToLedger&) = delete;
};

endpoints::ServerFiles files_from_paths(const ServeOptions& o) {
  endpoints::ServerFiles f;
  f.cert_chain_pem = io::read_file(o.server_pem);
  f.key_pem = io::read_file(o.server_key);
  if (!o.ca_pem.empty()) f.ca_pem = io::read_file(o.ca_pem);
  // The files go to gRPC as they are (as Milvus hands them to Go's TLS stack), but our loaders
  // judge them first: their messages name the file and the problem (an encrypted key, an empty
  // CA file, thousands of certificates or names) where gRPC only says "no start line".
  certs::parse_certs(f.cert_chain_pem, o.server_pem);
  certs::parse_private_key(f.key_pem, o.server_key);
  if (!o.ca_pem.empty()) certs::parse_certs(f.ca_pem, o.ca_pem);
  f.cert_label = "--server-pem " + o.server_pem;
  f.key_label = "--server-key " + o.server_key;
  f.ca_label = "--ca-pem " + (o.ca_pem.empty() ? std::string("(not given)") : o.ca_pem);
  return f;
}

int serve(const ServeOptions& o) {
  endpoints::ServerFiles files;
  if (!o.scenario.empty()) {
    scenario::Scenario s = scenario::load_scenario(o.scenario);
    certs::CertSet certs = runner::scenario_cert_set(s);
    if (!o.out.empty()) certs::write_cert_set(certs, o.out);
    files = runner::server_files(s, certs);
  } else {
    if (o.server_pem.empty() || o.server_key.empty()) {
      if (o.mode == 1 || o.mode == 2) {
        throw io::InputError("serve: --tls-mode " + std::to_string(o.mode) +
                         " needs --server-pem and --server-key (or --scenario FILE)");
      }
    } else {
      files = files_from_paths(o);
    }
  }

  // The flags over a scenario's server.tls_min / tls_max.
  if (!o.tls_min.empty()) files.tls_min = runner::tls_version(o.tls_min);
  if (!o.tls_max.empty()) files.tls_max = runner::tls_version(o.tls_max);
  if (files.tls_min > 0 && files.tls_max > 0 && files.tls_min > files.tls_max) {
    throw io::InputError("serve: --tls-min is above --tls-max: no TLS version is left to accept");
  }

  // Signals are taken synchronously by this thread; gRPC's threads (created below) inherit the
  // mask and never see them. SIGPIPE is ignored: a reader that leaves is an EPIPE to handle.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  io::ignore_sigpipe();

  // The client connects to the front, which relays to the gRPC server on a loopback port and
  // sees every connection start and end (connection_front.h says why gRPC alone cannot).
  std::string listen_error;
  auto front = endpoints::ConnectionFront::open(o.listen, &listen_error);
  if (!front) throw io::InputError("serve: " + listen_error);

  auto out = std::make_shared<io::LineWriter>(STDOUT_FILENO, kQueuedLines);
  out->on_reader_gone([](const io::LineWriter::Stats& s) {
    say_on_stderr(writer_trouble(s) + ": events are no longer printed; serving goes on");
  });
  auto ledger = std::make_shared<endpoints::ConnectionLedger>(o.mode, [out](const endpoints::ServerEvent& e) {
    out->push(endpoints::format_server_event(e, std::chrono::system_clock::now()));
  });
  auto log_hook = std::make_optional<GrpcLogToLedger>(ledger);
  endpoints::ServerHooks hooks;
  hooks.listen = "127.0.0.1:0";
  hooks.on_event = [ledger](const endpoints::ServerEvent& e) { ledger->report(e); };
  std::string config_error;
  const verdict::ServerProfile& profile = *verdict::find_server_profile(o.server_profile);
  endpoints::StartFailure start_failure;
  auto server = endpoints::TlsServer::start(o.mode, files, &config_error, hooks, &start_failure, profile);
  if (!server) {
    if (start_failure.rules) throw io::HarnessError("serve: " + config_error);
    // The harness's own server refuses weak files Milvus's would serve: say which flag shows it.
    const bool milvus_would_load =
        profile.name == verdict::kHarnessServer &&
        endpoints::identity_error(files.cert_chain_pem, files.key_pem, files.cert_label, files.key_label,
                       verdict::find_server_profile("milvus")->own_cert_security_level)
            .empty();
    throw io::InputError("serve: the server would not start: " + config_error +
                     (milvus_would_load ? " (Milvus's proxy would start with it: --server-profile milvus)" : ""));
  }

  out->push("listening on " + front->address());
  out->flush(Clock::now() + kListeningLine);  // before the notes, in a terminal that shows both
  if (profile.name == verdict::kHarnessServer && (o.mode == 1 || o.mode == 2)) {
    std::cerr << "note: this is the harness's own server (gRPC C++ with OpenSSL); "
                 "--server-profile milvus decides as Milvus's Go proxy does (docs/milvus-rules.md)\n";
  }
  std::cerr.flush();
  front->start(server->port(), endpoints::ConnectionFront::Callbacks{
                                   .opened = [ledger](const endpoints::ConnectionFacts& f) { ledger->opened(f); },
                                   .relayed_to_server = [ledger](std::uint64_t id, endpoints::ClientStart::Kind start) {
                                     ledger->relayed_to_server(id, start);
                                   },
                                   .ended = [ledger](const endpoints::ConnectionFacts& f) { ledger->ended(f); },
                                   .trouble = [](const std::string& what) { say_on_stderr(what); },
                               });

  // --duration is one total deadline: a wait interrupted by another signal (SIGSTOP/SIGCONT, a
  // debugger) resumes with what is left, not with the whole duration again.
  const bool timed = o.duration_s > 0;
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.duration_s));
  int sig = 0;
  do {
    if (!timed) {
      sig = sigwaitinfo(&stop, nullptr);
      continue;
    }
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(end - Clock::now());
    if (left.count() <= 0) break;
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(left.count() / 1000000000);
    wait.tv_nsec = static_cast<long>(left.count() % 1000000000);
    sig = sigtimedwait(&stop, nullptr, &wait);
  } while (sig < 0 && errno == EINTR);

  // Each open connection gets its closing line, then gRPC stops (cancelling what is still open);
  // the lines still queued get a bounded time to reach stdout.
  front->stop();
  server.reset();
  log_hook.reset();
  io::LineWriter::Stats stats = out->finish(Clock::now() + kOutputAtExit);
  if (std::uint64_t lost = stats.dropped + stats.unwritten; lost > 0) {
    say_on_stderr(std::to_string(lost) + " event line" + (lost == 1 ? " was" : "s were") + " not printed: " +
                  writer_trouble(stats) + " (" + std::to_string(stats.dropped) + " dropped while " +
                  std::to_string(kQueuedLines) + " waited, " + std::to_string(stats.unwritten) +
                  " not written)");
  }
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Run a Milvus-like gRPC test server for a real client (your application, Attu, an SDK) to\n"
      "try. Prints 'listening on HOST:PORT', then a line per RPC served and one line when each\n"
      "connection ends, with the reason as the server saw it (e.g. 'fail client_cert_missing')\n"
      "or 'unclassified' saying what was seen when nothing tells. Output never holds serving\n"
      "up: lines stdout cannot take are counted on stderr at exit. Stops on Ctrl-C, SIGTERM or\n"
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
  cmd->add_option("--server-profile", o->server_profile,
                  "decide as this server stack does: harness (gRPC C++ with OpenSSL) or milvus (Milvus's\n"
                  "Go proxy: TLS 1.3 only in mode 2, CA names, Go's client-chain rules; docs/milvus-rules.md)")
      ->check(CLI::IsMember(verdict::server_profile_names()))
      ->capture_default_str();
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--tls-min", o->tls_min, "lowest TLS version accepted: 1.2 or 1.3 (default: the server profile's)")
      ->check(CLI::IsMember({"1.2", "1.3"}));
  cmd->add_option("--tls-max", o->tls_max, "highest TLS version accepted: 1.2 or 1.3 (default: 1.3)")
      ->check(CLI::IsMember({"1.2", "1.3"}));
  cmd->add_option("--duration", o->duration_s, "stop after this many seconds (default: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action, o] { action = [o] { return serve(*o); }; });
}

}  // namespace tlsmatrix::cli
