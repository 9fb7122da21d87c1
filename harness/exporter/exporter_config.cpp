#include "harness/exporter/exporter_config.h"

#include <openssl/x509.h>

#include <charconv>
#include <cmath>
#include <system_error>

#include "harness/certs/pem_io.h"
#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/yaml/strict_yaml.h"
#include "harness/io/utf8.h"
#include "harness/ossl/ossl_ptr.h"
#include "harness/probe/profile_check.h"

namespace tlsmatrix::exporter {

namespace fs = std::filesystem;
using yaml::YNode;

namespace {

// Prometheus's own scrape timeouts are seconds; a module that needs more than a minute is a typo.
constexpr double kMaxTimeoutSeconds = 60;
constexpr int kMaxConcurrent = 64;

// A module name goes into URLs and into a bounded metric label: keep it plain.
bool valid_module_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// "5s", "500ms", "2.5s" or a plain number of seconds, as Prometheus writes durations.
std::chrono::milliseconds timeout_value(const yaml::YamlReader& r, const YNode& n,
                                        const std::string& path) {
  std::string s = r.scalar(n, path);
  double factor = 1000;
  std::string number = s;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "ms") == 0) {
    factor = 1;
    number.resize(number.size() - 2);
  } else if (!number.empty() && number.back() == 's') {
    number.pop_back();
  }
  double v = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  const double ms = v * factor;
  if (n.quoted || number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(ms) || ms < 10 || ms > kMaxTimeoutSeconds * 1000) {
    r.fail(n, path + ": expected a duration from 10ms to " +
                  std::to_string(static_cast<int>(kMaxTimeoutSeconds)) +
                  "s (e.g. 5s, 500ms), found '" + s + "'");
  }
  return std::chrono::milliseconds(std::llround(ms));
}

// Relative paths are relative to the config file's folder, so a config and its files move
// together (a Kubernetes Secret mounted beside a ConfigMap, a folder in a checkout).
std::string file_value(const yaml::YamlReader& r, const YNode& n, const std::string& path,
                       const fs::path& origin) {
  fs::path p = r.text(n, path);
  if (p.is_relative()) p = origin.parent_path() / p;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    r.fail(n, path + ": " + p.string() + ": no such file");
  }
  return p.string();
}

Module parse_module(const yaml::YamlReader& r, const YNode& key, const YNode& value,
                    const fs::path& origin) {
  Module m;
  m.name = key.value;
  const std::string path = "modules." + m.name;
  if (!valid_module_name(m.name)) {
    r.fail(key, "module name '" + m.name +
                    "': use letters, digits, '_', '-' and '.' (at most 64): it goes into URLs "
                    "and metric labels");
  }
  if (value.kind == YNode::Kind::null) return m;  // every default: infer the mode, no files
  r.map(value, path);
  r.allow_keys(value, path,
               {"tls_mode", "trust", "client_pem", "client_key", "server_name", "profiles",
                "timeout"});
  if (const YNode* n = r.find(value, "tls_mode")) {
    m.tls_mode = static_cast<int>(r.integer(*n, path + ".tls_mode", 0, 2));
  }
  if (const YNode* n = r.find(value, "trust")) {
    m.trust_file = file_value(r, *n, path + ".trust", origin);
    try {
      m.trust = certs::load_certs(m.trust_file);
    } catch (const io::InputError& e) {
      r.fail(*n, path + ".trust: " + e.what());
    }
  }
  const YNode* pem = r.find(value, "client_pem");
  const YNode* key_node = r.find(value, "client_key");
  if ((pem == nullptr) != (key_node == nullptr)) {
    r.fail(pem != nullptr ? *pem : *key_node,
           path + ": client_pem and client_key go together");
  }
  if (pem != nullptr) {
    m.client_pem_file = file_value(r, *pem, path + ".client_pem", origin);
    m.client_key_file = file_value(r, *key_node, path + ".client_key", origin);
    probe::ClientIdentity id;
    try {
      id.chain = certs::load_certs(m.client_pem_file);
    } catch (const io::InputError& e) {
      r.fail(*pem, path + ".client_pem: " + e.what());
    }
    try {
      id.key = certs::load_private_key(m.client_key_file);
    } catch (const io::InputError& e) {
      r.fail(*key_node, path + ".client_key: " + e.what());
    }
    if (X509_check_private_key(id.chain.front().get(), id.key.get()) != 1) {
      ossl::drain_errors();
      r.fail(*key_node, path + ".client_key: " + m.client_key_file +
                            " does not match the certificate in " + m.client_pem_file);
    }
    m.client = std::move(id);
  }
  if (const YNode* n = r.find(value, "server_name")) {
    m.server_name = r.text(*n, path + ".server_name");
  }
  if (const YNode* n = r.find(value, "profiles")) {
    m.profiles = r.names(*n, path + ".profiles", probe::probe_profiles());
    if (m.profiles.empty()) r.fail(*n, path + ".profiles: name at least one profile, or leave it out");
  }
  if (const YNode* n = r.find(value, "timeout")) m.timeout = timeout_value(r, *n, path + ".timeout");
  if (!m.profiles.empty() && m.trust.empty()) {
    r.fail(value, path + ": profiles need trust (the file the clients trust) to judge the chain");
  }
  return m;
}

}  // namespace

ExporterConfig parse_exporter_config(std::string_view text, const fs::path& origin) {
  const std::string file = origin.string();
  io::check_utf8(text, file);
  YNode root = yaml::parse_strict_yaml(
      text, file,
      yaml::StrictYamlRules{"exporter config",
                            "expected the exporter's config (a map with modules)", 6});
  yaml::YamlReader r(file);
  r.map(root, "the config");
  r.allow_keys(root, "the config", {"modules", "max_concurrent_probes"});
  ExporterConfig cfg;
  cfg.file = origin;
  if (const YNode* n = r.find(root, "max_concurrent_probes")) {
    cfg.max_concurrent_probes =
        static_cast<int>(r.integer(*n, "max_concurrent_probes", 1, kMaxConcurrent));
  }
  const YNode& modules = r.map(r.require(root, "modules", "the config"), "modules");
  if (modules.entries.empty()) r.fail(modules, "modules: define at least one module");
  for (const auto& [key, value] : modules.entries) {
    cfg.modules.emplace(key.value, parse_module(r, key, value, origin));
  }
  return cfg;
}

ExporterConfig load_exporter_config(const fs::path& file) {
  return parse_exporter_config(io::read_file(file), file);
}

probe::ProbeOptions probe_options(const Module& m, const probe::Endpoint& target,
                                  std::chrono::milliseconds budget) {
  probe::ProbeOptions o;
  o.endpoint = target;
  o.expected_mode = m.tls_mode;
  o.server_name = m.server_name;
  o.timeout = std::max(std::chrono::milliseconds(1), budget / kConnectionSlices);
  for (const auto& c : m.trust) o.trust.push_back(ossl::up_ref(c.get()));
  o.trust_file = m.trust_file;
  if (m.client) {
    probe::ClientIdentity id;
    for (const auto& c : m.client->chain) id.chain.push_back(ossl::up_ref(c.get()));
    id.key = ossl::up_ref(m.client->key.get());
    o.client = std::move(id);
    o.client_pem_file = m.client_pem_file;
    o.client_key_file = m.client_key_file;
  }
  o.profiles = m.profiles;
  return o;
}

}  // namespace tlsmatrix::exporter
