// tlsmatrix bench: handshake throughput and latency by mode, key type, TLS version and
// resumption, held against the library ceiling and the crypto bound measured in the same run.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/handshake/bench_run.h"
#include "harness/io/input_error.h"
#include "harness/io/utc_time.h"
#include "reports/bench_report.h"
#include "reports/write_reports.h"

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
  int processes = 0;
  std::string target;
  std::string json;
  std::string html;
};

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
          out.push_back({mode, *parse_key_type(key), *handshake::parse_tls_version(tls), resume});
        }
      }
    }
  }
  return out;
}

int run_bench_command(const BenchOptions& o) {
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
  if (!o.target.empty()) {
    if (settings.layer == handshake::Layer::grpc) {
      throw InputError("--target: only the tls layer can measure an external server");
    }
    settings.target = handshake::resolve_endpoint(o.target);
  }

  int processes = std::min(o.processes > 0 ? o.processes : handshake::default_processes(cores),
                           settings.concurrency);
  reports::BenchRunInfo info;
  info.started = iso8601_utc(std::chrono::system_clock::now());
  info.layer = o.layer;
  info.target = o.target.empty() ? "in-process on 127.0.0.1" : o.target;
  info.cores = cores;
  info.processes = processes;
  info.concurrency = settings.concurrency;
  info.duration_s = o.duration;
  info.load_before = load_average();

  std::vector<handshake::HandshakeConfig> configs;
  std::vector<std::string> skipped;
  for (const auto& c : configurations(o)) {
    std::string why = settings.layer == handshake::Layer::grpc
                          ? handshake::grpc_layer_unsupported(c)
                          : std::string();
    if (why.empty()) {
      configs.push_back(c);
    } else {
      skipped.push_back("skipped " + handshake::describe(c) + ": " + why);
    }
  }
  if (configs.empty()) {
    throw InputError("--layer " + o.layer + ": nothing to measure (" + skipped.front() + ")");
  }
  std::cout << "tlsmatrix bench: layer " << o.layer << ", server " << info.target << ", "
            << settings.concurrency << " concurrent clients, " << processes << " process"
            << (processes == 1 ? "" : "es") << " ("
            << (o.processes > 0 ? "--processes" : "default: one per 4 cores") << "), " << cores
            << " cores, " << o.duration << " s per configuration and per ceiling, "
            << configs.size() << " configuration" << (configs.size() == 1 ? "" : "s") << "\n";
  for (const auto& line : skipped) std::cout << "  " << line << "\n";
  std::cout << "\n" << reports::bench_table_header() << std::flush;

  std::vector<handshake::BenchResult> results;
  bool failures = false;
  for (const auto& config : configs) {
    try {
      results.push_back(handshake::run_bench(config, settings));
    } catch (const std::runtime_error& e) {
      // A configuration that cannot run (a target that refuses us, a server that does not
      // start) is a failed measurement, not the end of the others.
      std::cout << std::string(handshake::to_string(settings.layer)) << " "
                << handshake::describe(config) << ": FAILED: " << e.what() << "\n";
      failures = true;
      continue;
    }
    const auto& r = results.back();
    failures = failures || r.load.failed > 0 || r.load.ok == 0;
    std::cout << reports::bench_table_row(r) << std::flush;
  }
  info.load_after = load_average();
  std::string summary = reports::bench_summary(results);
  if (!summary.empty()) std::cout << "\n" << summary;
  std::cout << "\nceiling: in-memory handshakes, one worker per core; bound: the configuration's "
               "public-key operations and key derivations alone, times the cores\n";
  // Only the load before the run: during it, our own threads raise the average.
  if (info.load_before > 0.5 * cores) {
    // Under contention the scheduler gives a run with more threads (clients and server) a
    // larger share of the CPU than the ceiling's one worker per core: rates stop comparing.
    char load[32];
    std::snprintf(load, sizeof load, "%.1f", info.load_before);
    std::cout << "warning: load average " << load << " before the run on " << cores << " cores: other processes compete for the CPU, so rates "
              << "and fractions are unreliable; compare CPU µs/hs, or rerun on a quiet machine\n";
  }

  reports::write_reports(report_paths, {.json = [&] { return reports::bench_json(results, info); },
                                        .html = [&] { return reports::bench_html(results, info); }});
  return failures ? kExitMismatch : kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<BenchOptions>();
  for (auto k : handshake::bench_key_names()) opts->keys.emplace_back(k);
  auto* cmd = app.add_subcommand(
      "bench",
      "Handshake throughput and latency: full (and with --resume, resumed) TLS handshakes per "
      "second by tlsMode, key type and TLS version, over loopback sockets against an in-process "
      "server (or --target), held against the library ceiling (the same OpenSSL handshaking in "
      "memory, one worker per core) and the crypto bound (the handshake's public-key operations "
      "alone). Exit 1 when handshakes failed.");
  cmd->add_option("--layer", opts->layer, "tls: raw OpenSSL over TCP; grpc: a new gRPC channel per handshake, until one RPC completes")
      ->check(CLI::IsMember({"tls", "grpc"}))
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
  cmd->add_option("--tls", opts->tls, "TLS versions")
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
  cmd->add_option("--target", opts->target,
                  "HOST:PORT (IPv6 as [::1]:PORT) of an external TLS server instead of the "
                  "in-process one (its certificate is not verified)");
  cmd->add_option("--json", opts->json, "write the results as JSON to this file");
  cmd->add_option("--html", opts->html, "write a self-contained HTML page with charts to this file");
  cmd->callback([opts, &action] { action = [opts] { return run_bench_command(*opts); }; });
}

}  // namespace tlsmatrix::cli
