// The scenario schema (scenarios/README.md) as readers over the strict YAML tree
// (harness/yaml/strict_yaml.h), one file per part of a scenario: cert_schema.cpp (certs:),
// endpoint_schema.cpp (server:, client:), expect_schema.cpp (expect:, profiles:, servers:).
// scenario_loader.cpp puts them together. Every error is the reader's InputError
// "FILE:LINE:COL: key.path: message". Internal to harness/scenario.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/scenario.h"
#include "harness/yaml/strict_yaml.h"

namespace tlsmatrix::scenario::schema {

using yaml::YNode;
using Reader = yaml::YamlReader;

// The catalogue's largest set has 4 certificates. Thousands would cost minutes of key generation
// (RSA-4096 takes about a second each) and deep issuer recursion: refused up front.
inline constexpr std::size_t kMaxCertsPerScenario = 100;

// Scenario and certificate names: a letter or digit first, then letters, digits, - _ .
bool valid_name(std::string_view s);

struct Certs {
  std::vector<certs::CertSpec> specs;  // issuers before subjects, otherwise in file order
  std::set<std::string> names;
};

// certs: (the map itself; at least one, at most kMaxCertsPerScenario).
Certs parse_certs(const Reader& r, const YNode& certs);

// certs.NAME's extension keys (cert_extension_schema.cpp), each at `path` = "certs.NAME.KEY".
std::vector<std::string> parse_ext_key_usage(const Reader& r, const YNode& n, const std::string& path);
void parse_critical(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c);
void parse_name_constraints(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c);
void parse_raw_extensions(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c);
certs::KeyIdForm parse_key_id(const Reader& r, const YNode& n, const std::string& path, bool allow_mismatched);
// serial: an integer from 0, or 0x + hex digits (serial_bytes).
void parse_serial(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c);
// What the keys say together (`m` is certs.NAME's map, `path` "certs.NAME"): critical.X needs X.
void check_extension_keys(const Reader& r, const YNode& m, const std::string& path, const certs::CertSpec& c);

// key_of references of a whole set: each names another cert, no loops, a `key` written beside it
// agrees; then each spec's key_type becomes the shared key's.
struct KeyOfRef {
  certs::CertSpec* spec;
  const YNode* key_of_node;  // null when key_of was not written
  const YNode* key_node;     // null when key was not written
};
void resolve_key_of(const Reader& r, std::vector<KeyOfRef>& refs);

// server: and client:, naming certificates of `certs`.
ServerConfig parse_server(const Reader& r, const YNode& n, const std::set<std::string>& certs);
ClientConfig parse_client(const Reader& r, const YNode& n, const std::set<std::string>& certs);

// A map of modes (0, 1, 2) to 'pass' or 'fail REASON' at `path`; `require_all`: each mode needs
// one (expect:), otherwise at least one (an override).
std::map<int, Expectation> parse_modes(const Reader& r, const YNode& n, const std::string& path,
                                       const std::string& file, bool require_all);

// servers.S: mode keys (0, 1, 2: for every client profile) and client-profile keys (a map of
// modes), mixed in one map.
ServerExpectations parse_server_overrides(const Reader& r, const YNode& n, const std::string& path,
                                          const std::string& file);

}  // namespace tlsmatrix::scenario::schema
