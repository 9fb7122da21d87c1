// server: and client:, whose files name certificates of the scenario's set.
#include "harness/scenario/scenario_schema.h"

namespace tlsmatrix::scenario::schema {

using yaml::join;

namespace {

std::string cert_ref(const Reader& r, const YNode& n, const std::string& path,
                     const std::set<std::string>& certs) {
  std::string s = r.text(n, path);
  if (!certs.count(s)) {
    r.fail(n, path + ": no cert named '" + s + "'; the certs are: " + join(certs));
  }
  return s;
}

std::vector<std::string> cert_refs(const Reader& r, const YNode& n, const std::string& path,
                                   const std::set<std::string>& certs) {
  const std::vector<YNode>& items = r.list(n, path);
  // A chain names certificates of the set, perhaps one twice on purpose; not thousands of times.
  if (items.size() > kMaxCertsPerScenario) {
    r.fail(n, path + ": " + std::to_string(items.size()) + " entries; the limit is " +
                  std::to_string(kMaxCertsPerScenario));
  }
  std::vector<std::string> out;
  for (const YNode& item : items) out.push_back(cert_ref(r, item, path, certs));
  return out;
}

// One cert name, or a list of them: a bundle, written as one PEM file in that order.
std::vector<std::string> cert_bundle(const Reader& r, const YNode& n, const std::string& path,
                                     const std::set<std::string>& certs) {
  if (n.kind != YNode::Kind::seq) return {cert_ref(r, n, path, certs)};
  if (n.items.empty()) r.fail(n, path + ": an empty bundle; name at least one cert, or omit the key");
  return cert_refs(r, n, path, certs);
}

// Loopback only (the harness listens nowhere else), written as a client dials it.
std::string dial_host(const Reader& r, const YNode& n, const std::string& path) {
  std::string s = r.text(n, path);
  for (std::string_view h : kDialHosts) {
    if (s == h) return s;
  }
  std::string hint = s == "::1" ? " (an IPv6 address is written in brackets: \"[::1]\")" : "";
  r.fail(n, path + ": '" + s + "' is not a loopback address the harness can listen on; one of: 127.0.0.1, " +
                "localhost, \"[::1]\"" + hint);
  return s;
}

// tls_min / tls_max of `side`: "1.2" or "1.3" (what both OpenSSL 3 and Go's crypto/tls offer by
// default), the minimum not above the maximum.
void tls_range(const Reader& r, const YNode& m, const std::string& side, std::string* min, std::string* max) {
  for (const char* key : {"tls_min", "tls_max"}) {
    const YNode* v = Reader::find(m, key);
    if (v == nullptr) continue;
    const std::string path = side + "." + key;
    std::string s = r.text(*v, path);
    if (s != "1.2" && s != "1.3") {
      r.fail(*v, path + ": '" + s + "' is not a TLS version the stacks offer; one of: 1.2, 1.3");
    }
    *(std::string_view(key) == "tls_min" ? min : max) = s;
  }
  if (!min->empty() && !max->empty() && *min > *max) {
    r.fail(*Reader::find(m, "tls_min"), side + ".tls_min: " + *min + " is above " + side + ".tls_max " + *max +
                                           ": no version is left to offer");
  }
}

}  // namespace

ServerConfig parse_server(const Reader& r, const YNode& n, const std::set<std::string>& certs) {
  const YNode& m = r.map(n, "server");
  r.allow_keys(m, "server", {"cert", "chain", "key", "ca", "tls_min", "tls_max"});
  ServerConfig s;
  s.cert = cert_ref(r, r.require(m, "cert", "server"), "server.cert", certs);
  if (const YNode* v = Reader::find(m, "chain")) s.chain = cert_refs(r, *v, "server.chain", certs);
  const YNode* key = Reader::find(m, "key");
  s.key = key ? cert_ref(r, *key, "server.key", certs) : s.cert;
  if (const YNode* v = Reader::find(m, "ca")) s.ca = cert_bundle(r, *v, "server.ca", certs);
  tls_range(r, m, "server", &s.tls_min, &s.tls_max);
  return s;
}

ClientConfig parse_client(const Reader& r, const YNode& n, const std::set<std::string>& certs) {
  const YNode& m = r.map(n, "client");
  r.allow_keys(m, "client",
               {"server_pem_path", "ca_pem_path", "client_pem_path", "client_chain",
                "client_key_path", "server_name", "secure", "dial", "tls_min", "tls_max"});
  ClientConfig c;
  for (const auto& [k, v] : m.entries) {
    const std::string& f = k.value;
    std::string path = "client." + f;
    if (f == "server_pem_path") c.server_pem_path = cert_bundle(r, v, path, certs);
    if (f == "ca_pem_path") c.ca_pem_path = cert_bundle(r, v, path, certs);
    if (f == "client_pem_path") c.client_pem_path = cert_ref(r, v, path, certs);
    if (f == "client_chain") c.client_chain = cert_refs(r, v, path, certs);
    if (f == "client_key_path") c.client_key_path = cert_ref(r, v, path, certs);
    if (f == "server_name") c.server_name = r.text(v, path);
    if (f == "secure") c.secure = r.boolean(v, path);
    if (f == "dial") c.dial = dial_host(r, v, path);
  }
  tls_range(r, m, "client", &c.tls_min, &c.tls_max);
  if (c.client_pem_path.empty()) {
    if (const YNode* v = Reader::find(m, "client_chain")) {
      r.fail(*v, "client.client_chain: needs client_pem_path (the chain follows the client cert)");
    }
  } else if (c.client_key_path.empty()) {
    c.client_key_path = c.client_pem_path;
  }
  return c;
}

}  // namespace tlsmatrix::scenario::schema
