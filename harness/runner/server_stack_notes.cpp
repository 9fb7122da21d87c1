#include "harness/runner/server_stack_notes.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "harness/endpoints/tls_files.h"
#include "harness/runner/cell_setup.h"
#include "harness/verdict/profile.h"
#include "harness/x509/facts.h"
#include "harness/x509/verify.h"

namespace tlsmatrix {

namespace {

// The key strength OpenSSL's security level asks for (level 2, Debian's default: 112 bits, which
// also rules out MD5 and SHA-1 signatures; a self-signed certificate's own signature is not
// checked).
int min_security_bits() {
  static const int bits[] = {0, 80, 112, 128, 192, 256};
  return bits[std::clamp(x509::default_security_level(), 0, 5)];
}

bool weak_for_openssl(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key != nullptr && x509::key_security_bits(key) < min_security_bits()) return true;
  return x509::signature_info(cert).weak_digest && (X509_get_extension_flags(cert) & EXFLAG_SS) == 0;
}

std::vector<X509*> raw(const std::vector<ossl::X509Ptr>& certs) {
  std::vector<X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

// The C-core client loads its own certificate under the same security level: a weak client key
// never reaches the server (client_config_error at Milvus too).
bool client_loads_weak_keys(std::string_view profile) {
  const ClientProfile* p = find_profile(profile);
  return p == nullptr || !p->native_grpc_core;
}

std::vector<std::string> texts(const std::set<ServerCaveat>& caveats) {
  std::vector<std::string> out;
  for (ServerCaveat c : caveats) out.push_back(caveat_text(c));
  return out;
}

std::string join_and(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string join_semi(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::string caveat_text(ServerCaveat caveat) {
  switch (caveat) {
    case ServerCaveat::tls12_in_mode2:
      return "In tlsMode 2 Milvus's proxy accepts only TLS 1.3; the harness's server (gRPC C++ 1.51 "
             "has no minimum-version setting) also lets TLS 1.2 clients in, which Milvus turns "
             "away with protocol_mismatch.";
    case ServerCaveat::weak_server_cert:
      return "The harness's server loads its certificate under OpenSSL security level " +
             std::to_string(x509::default_security_level()) +
             " (RSA keys of 2048 bits or more, no SHA-1 signatures) and reports server_config_error "
             "for a weaker one; Milvus's proxy (Go's crypto/tls) starts with it and leaves the "
             "verdict to each client.";
    case ServerCaveat::no_ca_names:
      return "In tlsMode 2 the harness's server names no CAs in its certificate request; Milvus's "
             "names the subjects in caPemPath, and a Go client then sends no certificate that does "
             "not chain to one of them: client_cert_missing at Milvus where the harness reports "
             "client_cert_unknown_ca.";
    case ServerCaveat::client_cert_checks:
      return "In tlsMode 2 the harness's server checks the client's certificate with OpenSSL, which "
             "refuses an RSA key under 2048 bits and a keyUsage without digitalSignature "
             "(client_cert_invalid); Milvus's proxy (Go's crypto/x509) accepts both.";
  }
  return {};
}

FileTraits file_traits(const std::vector<X509*>& server_chain, const std::vector<X509*>& ca,
                       const std::vector<X509*>& client_chain) {
  FileTraits t;
  t.weak_server_cert = std::any_of(server_chain.begin(), server_chain.end(), weak_for_openssl);
  if (client_chain.empty()) return t;
  X509* leaf = client_chain.front();
  EVP_PKEY* key = X509_get0_pubkey(leaf);
  t.client_key_weak = key != nullptr && x509::key_security_bits(key) < min_security_bits();
  t.client_key_usage_without_signature = (X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) != 0 &&
                                         (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0;
  if (!ca.empty()) {
    bool named = false;
    for (X509* sent : client_chain) {
      for (X509* authority : ca) {
        named = named || X509_NAME_cmp(X509_get_issuer_name(sent), X509_get_subject_name(authority)) == 0;
      }
    }
    t.client_cert_outside_ca_names = !named;
  }
  return t;
}

FileTraits file_traits_pem(std::string_view server_chain_pem, std::string_view ca_pem,
                           std::string_view client_chain_pem) {
  auto server = pem_certs(server_chain_pem);
  auto ca = pem_certs(ca_pem);
  auto client = pem_certs(client_chain_pem);
  return file_traits(raw(server), raw(ca), raw(client));
}

std::vector<ServerCaveat> caveats_for(int mode, std::string_view profile, const FileTraits& files,
                                      bool any_client) {
  std::vector<ServerCaveat> out;
  if (mode != 1 && mode != 2) return out;  // plaintext: no certificate is loaded
  if (files.weak_server_cert) {
    // The server never started: nothing about clients applies.
    out.push_back(ServerCaveat::weak_server_cert);
    return out;
  }
  if (mode != 2) return out;
  if (any_client) {
    return {ServerCaveat::tls12_in_mode2, ServerCaveat::no_ca_names, ServerCaveat::client_cert_checks};
  }
  // The harness's clients all negotiate TLS 1.3, so no cell meets tls12_in_mode2. Only crypto/tls
  // withholds a certificate the CertificateRequest's CA names do not cover.
  if (profile == "go" && files.client_cert_outside_ca_names) out.push_back(ServerCaveat::no_ca_names);
  if ((files.client_key_weak && client_loads_weak_keys(profile)) ||
      files.client_key_usage_without_signature) {
    out.push_back(ServerCaveat::client_cert_checks);
  }
  return out;
}

std::vector<std::string> run_caveat_notes(const std::vector<Scenario>& scenarios,
                                          const std::vector<CertSet>& sets,
                                          const std::vector<CellResult>& cells) {
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (std::size_t i = 0; i < scenarios.size() && i < sets.size(); ++i) {
    index.emplace(std::make_pair(scenarios[i].file, scenarios[i].name), i);
  }
  std::map<std::size_t, FileTraits> traits;  // per scenario, made when a cell first needs it
  std::set<ServerCaveat> seen;
  for (const CellResult& cell : cells) {
    auto it = index.find({cell.scenario_file, cell.scenario});
    if (it == index.end()) continue;
    auto [t, fresh] = traits.try_emplace(it->second);
    if (fresh) {
      const Scenario& s = scenarios[it->second];
      const CertSet& certs = sets[it->second];
      try {
        ServerFiles server = server_files(s, certs);
        ClientSetup client = client_setup(s, certs, 2);
        t->second = file_traits_pem(server.cert_chain_pem, server.ca_pem, client.cert_chain_pem);
      } catch (const std::exception&) {
        // Files the cell could not even assemble: its own verdict says so; no caveat applies.
      }
    }
    for (ServerCaveat c : caveats_for(cell.mode, cell.profile, t->second)) seen.insert(c);
  }
  return texts(seen);
}

std::vector<std::string> deployment_caveat_notes(int mode, const std::vector<std::string>& profiles,
                                                 const FileTraits& files) {
  std::set<ServerCaveat> seen;
  for (const auto& p : profiles) {
    for (ServerCaveat c : caveats_for(mode, p, files)) seen.insert(c);
  }
  return texts(seen);
}

std::vector<std::string> serve_caveat_notes(int mode, const FileTraits& files) {
  std::vector<ServerCaveat> c = caveats_for(mode, "", files, true);
  return texts({c.begin(), c.end()});
}


std::vector<std::string> milvus_server_notes(const std::vector<Scenario>& scenarios, const std::vector<int>& modes,
                                             const std::vector<std::string>& profiles) {
  const std::string milvus = "milvus";
  std::vector<std::string> notes;
  for (const Scenario& s : scenarios) {
    if (!s.server_expect.count(milvus)) continue;
    // The same difference in several modes is said once: text -> modes, in first-seen order.
    std::vector<std::pair<std::string, std::vector<int>>> differences;
    for (int mode : modes) {
      // Milvus's verdict -> the profiles that get it, for the profiles where it differs.
      std::map<std::string, std::vector<std::string>> theirs;
      std::map<std::string, std::vector<std::string>> ours;
      for (const std::string& p : profiles) {
        const Verdict& m = s.expectation(mode, p, milvus).verdict;
        const Verdict& h = s.expectation(mode, p).verdict;
        if (m == h) continue;
        theirs[describe(m)].push_back(p);
        ours[describe(h)].push_back(p);
      }
      if (theirs.empty()) continue;
      std::vector<std::string> gives, here;
      for (const auto& [verdict, names] : theirs) gives.push_back(verdict + " to " + join_and(names));
      for (const auto& [verdict, names] : ours) {
        here.push_back(ours.size() == 1 ? verdict : verdict + " for " + join_and(names));
      }
      std::string text = "Milvus's Go proxy gives " + join_semi(gives) + "; the harness's server: " + join_semi(here);
      auto same = std::find_if(differences.begin(), differences.end(),
                               [&](const auto& d) { return d.first == text; });
      if (same == differences.end()) {
        differences.push_back({std::move(text), {mode}});
      } else {
        same->second.push_back(mode);
      }
    }
    for (const auto& [text, in_modes] : differences) {
      std::vector<std::string> numbers;
      for (int m : in_modes) numbers.push_back(std::to_string(m));
      notes.push_back(s.name + (in_modes.size() == 1 ? ", mode " : ", modes ") + join_and(numbers) + ": " + text);
    }
  }
  return notes;
}

}  // namespace tlsmatrix
