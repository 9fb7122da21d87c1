#include "harness/runner/cell_setup.h"

#include <openssl/ssl.h>

#include "harness/endpoints/tls_files.h"
#include "harness/io/input_error.h"

namespace tlsmatrix::runner {

namespace {

std::string pem_of(const certs::CertSet& certs, const std::string& name) {
  return name.empty() ? "" : certs.get(name).cert_pem;
}

// A bundle: the certificates' PEM one after another, in the order given.
std::string pem_of(const certs::CertSet& certs, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += pem_of(certs, name);
  return out;
}

std::string key_of(const certs::CertSet& certs, const std::string& name) {
  return name.empty() ? "" : certs.get(name).key_pem;
}

std::string label(std::string_view key, const std::string& name, std::string_view ext) {
  return std::string(key) + " (" + (name.empty() ? std::string("not set") : name + std::string(ext)) + ")";
}

// One name reads as before ("tls.caPemPath (ca.pem)"); a bundle names its parts in file order.
std::string label(std::string_view key, const std::vector<std::string>& names, std::string_view ext) {
  if (names.size() <= 1) return label(key, names.empty() ? std::string() : names.front(), ext);
  std::string parts;
  for (const auto& name : names) parts += (parts.empty() ? "" : " + ") + name + std::string(ext);
  return std::string(key) + " (bundle: " + parts + ")";
}

}  // namespace

int tls_version(const std::string& v) { return v == "1.2" ? TLS1_2_VERSION : v == "1.3" ? TLS1_3_VERSION : 0; }

certs::CertSet scenario_cert_set(const scenario::Scenario& scenario) {
  try {
    return certs::build_cert_set(scenario.certs);
  } catch (const std::exception& e) {
    throw io::InputError(scenario.file + ": " + e.what());
  }
}

endpoints::ServerFiles server_files(const scenario::Scenario& s, const certs::CertSet& certs) {
  endpoints::ServerFiles f;
  const scenario::ServerConfig& c = s.server;
  f.cert_chain_pem = pem_of(certs, c.cert);
  for (const auto& extra : c.chain) f.cert_chain_pem += pem_of(certs, extra);
  const std::string& key_name = c.key.empty() ? c.cert : c.key;
  f.key_pem = key_of(certs, key_name);
  f.ca_pem = pem_of(certs, c.ca);
  f.cert_label = label("tls.serverPemPath", c.cert, ".pem");
  f.key_label = label("tls.serverKeyPath", key_name, ".key");
  f.ca_label = label("tls.caPemPath", c.ca, ".pem");
  f.tls_min = tls_version(c.tls_min);
  f.tls_max = tls_version(c.tls_max);
  return f;
}

endpoints::ClientSetup client_setup(const scenario::Scenario& s, const certs::CertSet& certs, int mode) {
  const scenario::ClientConfig& c = s.client;
  endpoints::ClientSetup out;
  out.secure = c.secure.value_or(mode == 1 || mode == 2);
  out.server_name = c.server_name;  // rule 1
  out.dial_host = c.dial;
  out.tls_min = tls_version(c.tls_min);
  out.tls_max = tls_version(c.tls_max);
  out.cert_requested = mode == 2;
  if (!out.secure) return out;
  const std::string& key_name = c.client_key_path.empty() ? c.client_pem_path : c.client_key_path;
  if (!c.server_pem_path.empty()) {
    // Rule 2: the server's own file is the only root and no client certificate is sent.
    out.trust_pem = pem_of(certs, c.server_pem_path);
    out.trust_label = label("server_pem_path", c.server_pem_path, ".pem");
  } else if (!c.client_pem_path.empty() && !key_name.empty() && !c.ca_pem_path.empty()) {
    // Rule 3: all three given: trust the CA, present the client certificate.
    out.trust_pem = pem_of(certs, c.ca_pem_path);
    out.trust_label = label("ca_pem_path", c.ca_pem_path, ".pem");
    out.cert_chain_pem = pem_of(certs, c.client_pem_path);
    for (const auto& extra : c.client_chain) out.cert_chain_pem += pem_of(certs, extra);
    out.key_pem = key_of(certs, key_name);
    out.cert_label = label("client_pem_path", c.client_pem_path, ".pem");
    out.key_label = label("client_key_path", key_name, ".key");
  } else {
    // Rule 4: gRPC's default roots (a lone ca_pem_path is ignored).
    out.trust_pem = endpoints::default_roots_pem();
    out.trust_label = "default roots";
  }
  return out;
}

std::string listen_address(const scenario::Scenario& s) { return s.client.dial + ":0"; }

bool issued_by_named_ca(std::string_view client_chain_pem, std::string_view ca_pem) {
  std::vector<ossl::X509Ptr> names = endpoints::pem_certs(ca_pem);
  for (const auto& c : endpoints::pem_certs(client_chain_pem)) {
    for (const auto& ca : names) {
      if (X509_NAME_cmp(X509_get_issuer_name(c.get()), X509_get_subject_name(ca.get())) == 0) return true;
    }
  }
  return false;
}

endpoints::ClientSetup client_for_server(endpoints::ClientSetup client, const verdict::ClientProfile& profile, const verdict::ServerProfile& server,
                              const endpoints::ServerFiles& files, int mode) {
  if (mode == 2 && server.names_client_cas && profile.withholds_cert_outside_ca_names && client.secure &&
      !endpoints::pem_certs(client.cert_chain_pem).empty() && !issued_by_named_ca(client.cert_chain_pem, files.ca_pem)) {
    // (A chain that does not parse is never withheld: Go cannot load it and says so first.)
    client.cert_chain_pem.clear();
    client.key_pem.clear();
  }
  return client;
}

}  // namespace tlsmatrix::runner
