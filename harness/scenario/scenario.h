// The scenario model: one certificate set, one server configuration (Milvus's tls.* keys), one
// client configuration (pymilvus's connect() arguments), and what should happen in each tlsMode,
// optionally per client profile. Loaded from YAML by scenario_loader.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/certs/cert_spec.h"
#include "harness/verdict/reason.h"

namespace tlsmatrix::scenario {

// Where something was written, for error messages: "FILE:LINE:COL".
struct SourcePos {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  int col = 0;
  std::string str() const;
};

// Milvus's proxy configuration. Values are certificate names from the scenario's set; the files
// are NAME.pem / NAME.key. Empty = not configured. A list of names is one PEM file holding those
// certificates in that order (a trust bundle, e.g. the old and the new CA during a rotation).
struct ServerConfig {
  std::string cert;                // tls.serverPemPath: the leaf ...
  std::vector<std::string> chain;  // ... followed in the same file by these certificates
  std::string key;                 // tls.serverKeyPath: the key of this cert (default: `cert`)
  std::vector<std::string> ca;     // tls.caPemPath
  // The TLS versions the server accepts, "1.2" or "1.3"; empty = its stack's own (Milvus's
  // proxy: 1.3 minimum in mode 2, whatever is written here as a floor below that).
  std::string tls_min, tls_max;
};

// pymilvus's connect() arguments (the client follows pymilvus's rules: docs/milvus-rules.md).
struct ClientConfig {
  std::vector<std::string> server_pem_path;  // cert names: their PEM is the only trust
  std::vector<std::string> ca_pem_path;      // cert names (a bundle when more than one)
  std::string client_pem_path;  // a cert name: its .pem (plus client_chain) is presented
  std::vector<std::string> client_chain;
  std::string client_key_path;  // a cert name whose key is used (default: client_pem_path)
  std::string server_name;      // SSL target-name override; empty = the address's host
  std::optional<bool> secure;   // nullopt = follows the mode (secure iff mode is 1 or 2)
  // The host the client dials: 127.0.0.1, localhost or [::1] (kDialHosts); the server listens
  // there too, and with no server_name it is the name checked (::1 for [::1]).
  std::string dial = "127.0.0.1";
  // The TLS versions the client offers, "1.2" or "1.3"; empty = its stack's own (1.2 to 1.3).
  std::string tls_min, tls_max;
};

// The dial addresses a scenario may give: loopback only, by IPv4, by name and by IPv6.
inline constexpr std::string_view kDialHosts[] = {"127.0.0.1", "localhost", "[::1]"};

inline constexpr int kModes[] = {0, 1, 2};

struct Expectation {
  verdict::Verdict verdict;
  SourcePos pos;
};

// Server profiles a scenario may give expectations for (`servers:`) are those of
// harness/verdict/server_profile.h: the harness's own server (the default, what `expect` and
// `profiles` describe), and Milvus's Go proxy, which judges some files differently (weak keys it
// serves, client keyUsage it ignores, TLS 1.3 only in mode 2). `run --servers` runs both.
inline constexpr std::string_view kDefaultServerProfile = "harness";

// Expectations with one server stack: for every client profile, and per client profile.
struct ServerExpectations {
  std::map<int, Expectation> modes;
  std::map<std::string, std::map<int, Expectation>> profiles;
};

struct Scenario {
  std::string name;
  std::string summary;
  std::string file;  // path it was loaded from
  std::string family;  // the folder under scenarios/ (e.g. "expiry"); empty when loose
  std::vector<certs::CertSpec> certs;  // issuers before subjects
  ServerConfig server;
  ClientConfig client;
  std::map<int, Expectation> expect;  // by mode: 0, 1, 2 (all three present)
  // Per-profile overrides: profile name -> mode -> expectation.
  std::map<std::string, std::map<int, Expectation>> profile_expect;

  // Per-server-stack overrides: server profile name -> expectations.
  std::map<std::string, ServerExpectations> server_expect;

  // The expectation for a cell with the harness's own server (server profile harness).
  const Expectation& expectation(int mode, const std::string& profile) const;
  // With server stack `server`, the first that is given of: servers.S.PROFILE.MODE,
  // servers.S.MODE, profiles.PROFILE.MODE, expect.MODE.
  const Expectation& expectation(int mode, const std::string& profile, const std::string& server) const;
};

}  // namespace tlsmatrix::scenario
