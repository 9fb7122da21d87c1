// tlsmatrix bench: handshake throughput and latency by mode, key type, TLS version and
// resumption, held against the library ceiling and the crypto bound measured in the same run.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/certs/pem_io.h"
#include "harness/cli/commands.h"
#include "harness/handshake/bench_run.h"
#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/utc_time.h"
#include "reports/bench/bench_report.h"
#include "reports/common/write_reports.h"

namespace tlsmatrix::cli {

namespace {

struct BenchOptions {
  std::string layer = "tls";
  std::vector<int> modes = {1, 2};
  std::vector<std::string> keys;
  std::vector<std::string> tls = {"1.2", "1.3"};
  bool resume = false;
  bool no_pin = false;
  int concurrency = 0;
  double duration = 3;
  double timeout = 5;
  int processes = 0;
  std::string target;
  std::string trust;
  std::string client_pem;
  std::string client_key;
  std::string server_name;
  bool insecure = false;
  std::string json;
  std::string html;
  // Given on the command line (not the defaults): with --target they are refused or pin.
  bool keys_given = false, modes_given = false, tls_given = false;
};

// Whose cost the layer measures, for the head line of every output.
std::string layer_cost(handshake::Layer layer) {
  switch (layer) {
    case handshake::Layer::tls: return "";
    case handshake::Layer::grpc_server: return " (server cost: one unary gRPC call per new connection)";
    case handshake::Layer::grpc_client: return " (client cost: a new gRPC channel per handshake)";
  }
  return "";
}

double load_average() {
  double load[1];
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

std::vector<handshake::HandshakeConfig> configurations(const BenchOptions& o) {
  std::vector<handshake::HandshakeConfig> out;
  for (int mode : o.modes) {
    for (const auto& key : o.keys) {
      for (const auto& tls : o.tls) {
        for (bool resume : {false, true}) {
          if (resume && !o.resume) continue;
          out.push_back({mode, *certs::parse_key_type(key), *handshake::parse_tls_version(tls), resume});
        }
      }
    }
  }
  return out;
}

// --target's flags, checked before anything is contacted.
void check_target_flags(const BenchOptions& o) {
  if (o.target.empty()) {
    for (const auto& [flag, given] :
         {std::pair<const char*, bool>{"--trust", !o.trust.empty()}, {"--client-pem", !o.client_pem.empty()},
          {"--client-key", !o.client_key.empty()}, {"--server-name", !o.server_name.empty()},
          {"--insecure", o.insecure}}) {
      if (given) {
        throw io::InputError(std::string(flag) + ": only with --target (the in-process server uses the "
                                             "bench's own CA and certificates)");
      }
    }
    return;
  }
  if (o.layer == "grpc" || o.layer == "grpc-client") {
    throw io::InputError("--target: the grpc-client layer measures the harness's own gRPC client against "
                     "its own server; use --layer grpc-server (or tls) for an external server");
  }
  if (o.layer == "grpc-server" && o.resume) {
    throw io::InputError("--resume: the grpc-server layer measures full handshakes only");
  }
  if (o.keys_given) {
    throw io::InputError("--keys: not with --target: the target's certificate decides the key type "
                     "(the row says which it is)");
  }
  if (o.modes_given) {
    throw io::InputError("--modes: not with --target: the target decides (mode 2 when it asks for a "
                     "client certificate and --client-pem/--client-key give one)");
  }
  if (o.insecure && !o.trust.empty()) {
    throw io::InputError("--insecure: not with --trust: verify the target against --trust, or not at all");
  }
}

handshake::TargetClient target_client(const BenchOptions& o, const handshake::Endpoint& endpoint) {
  handshake::TargetClient c;
  c.insecure = o.insecure;
  if (!o.trust.empty()) {
    c.trust = certs::load_certs(o.trust);
    c.trust_label = o.trust;
  }
  c.server_name = o.server_name.empty() ? endpoint.host : o.server_name;
  if (auto id = certs::load_identity(o.client_pem, o.client_key)) {
    c.client_chain = std::move(id->chain);
    c.client_key = std::move(id->key);
    c.client_label = o.client_pem;
  }
  return c;
}

std::string describe_target(const handshake::TargetSurvey& s, const handshake::TargetClient& c) {
  const auto& f = s.facts;
  std::string out = f.version + " " + f.cipher + (f.alpn.empty() ? "" : ", ALPN " + f.alpn) +
                    ", server key " + f.server_key + ", " + f.verified + ", ";
  if (!f.cert_requested) return out + "no client certificate asked for (mode 1)";
  if (f.cert_sent) return out + "asked for a client certificate: sent " + c.client_label + " (mode 2)";
  return out + "asked for a client certificate: none sent (no --client-pem)";
}

// Why a survey handshake failed, with what to do about it.
std::string survey_failure(const handshake::TargetSurvey& s, const BenchOptions& o) {
  std::string why = s.problem.empty() ? s.outcome.error : s.problem;
  if (why.find("did not verify") != std::string::npos) {
    why += o.trust.empty() ? " (pass --trust with the CA that signed it, or --insecure to measure "
                             "without verifying)"
                           : " (with --trust " + o.trust + " for " +
                                 (o.server_name.empty() ? std::string("the --target host") : o.server_name) + ")";
  }
  return why;
}

int run_bench_command(const BenchOptions& o) {
  check_target_flags(o);
  // A report file whose folder is missing would only fail after minutes of measuring.
  const reports::ReportPaths report_paths = reports::report_paths_from(o.json, "", "", o.html);
  reports::check_report_paths(report_paths);
  handshake::BenchSettings settings;
  settings.layer = *handshake::parse_layer(o.layer);
  int cores = handshake::available_cores();
  settings.concurrency = o.concurrency > 0 ? o.concurrency : cores;
  settings.duration_s = o.duration;
  settings.processes = o.processes;
  settings.progress = isatty(STDERR_FILENO) == 1;
  settings.pin = !o.no_pin;
  settings.handshake_timeout = std::chrono::milliseconds(std::llround(o.timeout * 1000));
  std::shared_ptr<handshake::TargetClient> client;
  if (!o.target.empty()) {
    settings.target = handshake::resolve_endpoint(o.target, settings.handshake_timeout);
    client = std::make_shared<handshake::TargetClient>(target_client(o, *settings.target));
    settings.target_client = client;
  }

  int processes = std::min(o.processes > 0 ? o.processes : handshake::default_processes(cores),
                           settings.concurrency);
  reports::BenchRunInfo info;
  info.started = io::iso8601_utc(std::chrono::system_clock::now());
  info.layer = std::string(handshake::to_string(settings.layer)) + layer_cost(settings.layer);
  info.target = o.target.empty() ? "in-process on 127.0.0.1" : o.target;
  info.cores = cores;
  info.processes = processes;
  info.processes_given = o.processes > 0;
  info.concurrency = settings.concurrency;
  info.duration_s = o.duration;
  info.load_before = load_average();

  std::vector<handshake::HandshakeConfig> configs;
  // Per configuration: what the target showed (the survey), for its rows.
  std::vector<std::optional<handshake::TargetFacts>> facts;
  bool failures = false;
  if (settings.target) {
    // One handshake per TLS version asked for (or one at the version the target picks) finds
    // out what the target does; the rows then describe exactly that.
    std::vector<std::optional<handshake::TlsVersion>> versions;
    if (o.tls_given) {
      for (const auto& t : o.tls) versions.push_back(*handshake::parse_tls_version(t));
    } else {
      versions.push_back(std::nullopt);
    }
    for (const auto& v : versions) {
      handshake::TargetSurvey s =
          handshake::survey_target(*settings.target, *client, v, settings.handshake_timeout);
      const std::string at = v ? " at TLS " + std::string(handshake::to_string(*v)) : "";
      if (s.outcome.unreachable) {
        // Nothing to measure: the target is not there.
        throw io::InputError("--target " + settings.target->text + ": cannot reach it: " + s.outcome.error);
      }
      if (!s.config) {
        info.failures.push_back("target " + settings.target->text + at + ": FAILED: " + survey_failure(s, o));
        failures = true;
        continue;
      }
      info.lines.push_back("target" + at + ": " + describe_target(s, *client));
      // It got through the negotiation but the survey handshake itself did not count.
      if (!s.outcome.ok) info.lines.push_back("the first handshake" + at + ": " + s.outcome.error);
      for (bool resume : {false, true}) {
        if (resume && !o.resume) continue;
        handshake::HandshakeConfig c = *s.config;
        c.resume = resume;
        configs.push_back(c);
        facts.push_back(s.facts);
      }
    }
  } else {
    for (const auto& c : configurations(o)) {
      std::string why = settings.layer == handshake::Layer::grpc_client
                            ? handshake::grpc_layer_unsupported(c)
                        : settings.layer == handshake::Layer::grpc_server
                            ? handshake::grpc_server_layer_unsupported(c)
                            : std::string();
      if (why.empty()) {
        configs.push_back(c);
        facts.push_back(std::nullopt);
      } else {
        info.lines.push_back("skipped " + handshake::describe(c) + ": " + why);
      }
    }
    if (configs.empty()) {
      throw io::InputError("--layer " + o.layer + ": nothing to measure (" + info.lines.front() + ")");
    }
  }
  info.configurations = static_cast<int>(configs.size());
  std::cout << reports::bench_console_head(info);
  for (const auto& f : info.failures) std::cout << reports::bench_failure_line(f);
  std::cout << std::flush;

  std::vector<handshake::BenchResult> results;
  bool lost = false;
  for (std::size_t i = 0; i < configs.size() && !lost; ++i) {
    const auto& config = configs[i];
    try {
      results.push_back(handshake::run_bench(config, settings));
    } catch (const std::runtime_error& e) {
      // A configuration that cannot run (a target that refuses the session handshake, a server
      // that does not start) is a failed measurement, not the end of the others.
      std::string line = std::string(handshake::to_string(settings.layer)) + " " +
                         handshake::describe(config) + ": FAILED: " + e.what();
      info.failures.push_back(line);
      std::cout << reports::bench_failure_line(line) << std::flush;
      failures = true;
      continue;
    }
    auto& r = results.back();
    r.target_facts = facts[i];
    const auto& l = r.load;
    // The in-process server's own failures stay a note: a client that closes while the server
    // still writes its TLS 1.3 ticket is one, although the handshake was done.
    failures = failures || l.failed > 0 || l.ok == 0;
    std::cout << reports::bench_table_row(r) << std::flush;
    if (l.target_lost) {
      lost = true;
      info.stopped = "the target " + info.target + " went away during " + reports::bench_label(r) +
                     " (first error: " + l.first_error +
                     (l.errors.empty() ? "" : "; most common: " + l.errors.front().reason + ", " +
                                                  std::to_string(l.errors.front().count) + "x") +
                     "); nothing after it was measured";
    }
  }
  info.load_after = load_average();
  std::cout << reports::bench_console_tail(results, info) << std::flush;

  reports::write_reports(report_paths, {.json = [&] { return reports::bench_json(results, info); },
                                        .html = [&] { return reports::bench_html(results, info); }});
  // The target went away: what was measured is a server that stopped, not its rate.
  if (lost) return kExitBadInput;
  return failures ? kExitMismatch : kExitOk;
}

struct MergeOptions {
  std::vector<std::string> files;
  std::string json;
};

int run_bench_merge(const MergeOptions& o) {
  const reports::ReportPaths report_paths = reports::report_paths_from(o.json, "", "", "");
  reports::check_report_paths(report_paths);
  std::vector<std::string> texts;
  for (const auto& f : o.files) texts.push_back(io::read_file(f));
  handshake::MergedBench merged = handshake::merge_bench_json(o.files, texts);
  std::cout << reports::bench_merge_text(merged) << std::flush;
  reports::write_reports(report_paths, {.json = [&] { return reports::bench_merge_json(merged); }});
  for (const auto& r : merged.rows) {
    if (r.failed > 0 || r.handshakes == 0) return kExitMismatch;
  }
  return kExitOk;
}

void add_bench_merge(CLI::App& bench, Action& action) {
  auto opts = std::make_shared<MergeOptions>();
  auto* cmd = bench.add_subcommand(
      "merge", "Combine bench --json results from several load machines into one load");
  cmd->footer(
      "Rows of the same configuration and target add their handshakes, failures and rates\n"
      "(the loads ran side by side, e.g. the pods of the Kubernetes Indexed Job in\n"
      "deploy/bench/); p50/p90/p99 come from the merged latency histograms, so they equal\n"
      "those of one run over the pooled samples, never an average of percentiles.\n"
      "Exit 0: merged, every handshake completed; 1: some failed or a row has none;\n"
      "2: a file is missing or not a bench --json result with histograms.");
  cmd->add_option("files", opts->files, "bench --json files")->required()->check(CLI::ExistingFile);
  cmd->add_option("--json", opts->json, "write the merged results as JSON to this file");
  cmd->callback([opts, &action] { action = [opts] { return run_bench_merge(*opts); }; });
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BenchOptions>();
  for (auto k : handshake::bench_key_names()) opts->keys.emplace_back(k);
  auto* cmd = app.add_subcommand(
      "bench",
      "Handshake throughput and latency: full (and with --resume, resumed) TLS handshakes per\n"
      "second by tlsMode, key type and TLS version, over loopback sockets against an in-process\n"
      "server (or --target), held against the library ceiling (the same OpenSSL handshaking in\n"
      "memory, one worker per core) and the crypto bound (the handshake's public-key operations\n"
      "alone).\n"
      "With --target HOST:PORT it measures that server instead: one handshake first finds out\n"
      "what it does (TLS version, key type, whether it asks for a client certificate), and the\n"
      "rows, the ceiling and the bound are for exactly that. The target is verified as every\n"
      "other command does (--trust, --server-name; --insecure skips it), --client-pem and\n"
      "--client-key answer a mode-2 target. Under TLS 1.3 a mode-2 server refuses a client\n"
      "certificate only after the client's handshake: such a handshake counts once the server\n"
      "has answered after it (a session ticket, HTTP/2 SETTINGS), and an alert or close counts\n"
      "as refused, by reason.\n"
      "Every handshake has one total deadline (--timeout); a run ends by --duration plus 1 s,\n"
      "whatever is in flight (counted as cut off). After a failure a client waits before the\n"
      "next try (1 ms doubling to 0.5 s), and a target that cannot be reached for 2 s stops\n"
      "the run.\n"
      "Exit 0: every handshake completed; 1: handshakes failed, were refused or timed out, or\n"
      "the target did not verify; 2: bad input, or the target could not be reached (at the start\n"
      "or because it went away during the run: nothing valid was measured).");
  cmd->add_option("--layer", opts->layer,
                  "tls: raw OpenSSL over TCP. grpc-server: what a gRPC server pays per new "
                  "connection: a lean client (OpenSSL + nghttp2, ALPN h2) handshakes, sends the "
                  "HTTP/2 preface and one unary Health/Check call, reads the answer, closes. "
                  "grpc-client (alias grpc): what a client pays when it churns channels: a new "
                  "gRPC C-core channel per handshake, until one RPC completes")
      ->check(CLI::IsMember({"tls", "grpc-server", "grpc-client", "grpc"}))
      ->capture_default_str();
  cmd->add_option("--modes", opts->modes, "Milvus tlsMode values to measure: 1 server auth, 2 mutual")
      ->delimiter(',')
      ->check(CLI::IsMember({1, 2}))
      ->capture_default_str();
  std::vector<std::string> key_names(handshake::bench_key_names().begin(),
                                     handshake::bench_key_names().end());
  cmd->add_option("--keys", opts->keys, "key types of the CA, server and client certificates")
      ->delimiter(',')
      ->check(CLI::IsMember(key_names))
      ->capture_default_str();
  cmd->add_option("--tls", opts->tls, "TLS versions (with --target: default the one it picks)")
      ->delimiter(',')
      ->check(CLI::IsMember({"1.2", "1.3"}))
      ->capture_default_str();
  cmd->add_flag("--resume", opts->resume, "also measure resumed handshakes (session tickets)");
  cmd->add_option("--concurrency", opts->concurrency, "handshakes in flight (default: the cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--duration", opts->duration, "seconds per configuration (and again for its ceiling)")
      ->check(CLI::Range(0.05, 3600.0))
      ->capture_default_str();
  cmd->add_option("--processes", opts->processes,
                  "spread the workers over N processes (OpenSSL 3.0's locks stop threads scaling "
                  "past ~4 cores; default: one process per 4 cores)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--no-pin", opts->no_pin,
                "do not shard the in-process TLS server by core (by default core N has its own "
                "listener and loop thread, and the clients bound to core N use it)");
  cmd->add_option("--timeout", opts->timeout,
                  "seconds one handshake may take in total: connect, handshake and, for a TLS 1.3 "
                  "server that asked for a client certificate, its answer after the handshake")
      ->check(CLI::Range(0.01, 600.0))
      ->capture_default_str();
  cmd->add_option("--target", opts->target,
                  "HOST:PORT (IPv6 as [::1]:PORT) of an external TLS server instead of the "
                  "in-process one; not with --keys or --modes (the target decides them)");
  cmd->add_option("--trust", opts->trust,
                  "--target: PEM file to verify the target against (default: the system's "
                  "trusted roots)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--server-name", opts->server_name,
                  "--target: name to verify and send as SNI (default: HOST)");
  cmd->add_flag("--insecure", opts->insecure, "--target: do not verify the target's certificate");
  cmd->add_option("--client-pem", opts->client_pem,
                  "--target: client certificate (PEM, leaf first) for a target that asks for one")
      ->check(CLI::ExistingFile);
  cmd->add_option("--client-key", opts->client_key, "--target: the client certificate's key")
      ->check(CLI::ExistingFile);
  cmd->add_option("--json", opts->json, "write the results as JSON to this file");
  cmd->add_option("--html", opts->html, "write a self-contained HTML page with charts to this file");
  add_bench_merge(*cmd, action);
  cmd->callback([opts, cmd, &action] {
    // `bench merge` set its own action (CLI11 runs the subcommand's callback first).
    if (cmd->get_subcommand("merge")->parsed()) return;
    opts->keys_given = cmd->count("--keys") > 0;
    opts->modes_given = cmd->count("--modes") > 0;
    opts->tls_given = cmd->count("--tls") > 0;
    action = [opts] { return run_bench_command(*opts); };
  });
}

}  // namespace tlsmatrix::cli
