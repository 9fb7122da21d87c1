// The exporter's configuration (exporter.yaml): named modules of probe settings, so that secrets
// (trust and client files) stay on the exporter and a scrape URL carries only a module's name.
// Strict like the scenario files (harness/yaml/strict_yaml.h): unknown keys, wrong types, missing
// files are InputError "FILE:LINE:COL: ..." (exit 2 at start-up, before the listener opens).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/ossl/ossl_ptr.h"
#include "harness/probe/probe.h"

namespace tlsmatrix::exporter {

struct Module {
  std::string name;
  std::optional<int> tls_mode;  // expected tlsMode: checked, and exported as its own gauge
  std::string trust_file;       // resolved against the config file's folder
  std::vector<ossl::X509Ptr> trust;
  std::string client_pem_file;
  std::string client_key_file;
  std::optional<probe::ClientIdentity> client;
  std::string server_name;            // empty = the target's host
  std::vector<std::string> profiles;  // empty = every profile
  std::chrono::milliseconds timeout{5000};  // the whole probe's budget
};

struct ExporterConfig {
  std::filesystem::path file;
  std::map<std::string, Module> modules;
  int max_concurrent_probes = 4;
};

ExporterConfig parse_exporter_config(std::string_view yaml, const std::filesystem::path& origin);
ExporterConfig load_exporter_config(const std::filesystem::path& file);

// Probe options for one scrape: the module's settings, its files shared by reference count, and
// `budget` (the module's timeout, or less when Prometheus's scrape timeout is shorter).
probe::ProbeOptions probe_options(const Module& m, const probe::Endpoint& target,
                                  std::chrono::milliseconds budget);

// A probe makes up to four connections, each allowed the per-connection timeout for connect +
// handshake and up to that again for its wait after the handshake: the per-connection timeout
// is budget / kConnectionSlices, so the whole probe stays within the budget.
inline constexpr int kConnectionSlices = 8;

}  // namespace tlsmatrix::exporter
