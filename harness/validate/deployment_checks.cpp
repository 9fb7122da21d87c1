#include "harness/validate/deployment_checks.h"

#include <system_error>

#include "harness/validate/profile_rules.h"
#include "harness/validate/static_checks.h"

namespace tlsmatrix::validate {

namespace fs = std::filesystem;

namespace {

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  bool eq = fs::equivalent(a, b, ec);
  return !ec && eq;
}

std::string config_name(const DeploymentInput& in) {
  return in.config_file.empty() ? std::string() : in.config_file.string();
}

// The mode and the settings it needs. Returns false when there is nothing further to check.
bool check_mode(const DeploymentInput& in, const LoadedDeployment& f, Findings& out) {
  const std::string cfg = config_name(in);
  const std::string mode_setting = in.setting_name("common.security.tlsMode", "--tls-mode");
  if (in.tls_mode == 0) {
    out.ok("mode", cfg, "tlsMode 0: the proxy serves plaintext and loads no TLS files");
    return false;
  }
  if (!uses_tls(in.tls_mode)) {
    out.warning("mode", cfg,
                "tlsMode " + std::to_string(in.tls_mode) + " is neither 1 nor 2: Milvus serves "
                "plaintext and loads no TLS files",
                "set " + mode_setting + " to 1 (one-way TLS) or 2 (mutual TLS)");
    return false;
  }
  bool complete = true;
  auto require = [&](bool present, const char* yaml_key, const char* flag, const char* what) {
    if (present) return;
    out.error("config", cfg,
              "tlsMode " + std::to_string(in.tls_mode) + " needs " + what + " but " +
                  in.setting_name(yaml_key, flag) + " is not set: the proxy does not start",
              "set " + in.setting_name(yaml_key, flag));
    complete = false;
  };
  require(f.server_pem.has_value(), "tls.serverPemPath", "--server-pem", "the server certificate");
  require(f.server_key.has_value(), "tls.serverKeyPath", "--server-key", "the server key");
  if (in.tls_mode == 2) {
    require(f.ca_pem.has_value(), "tls.caPemPath", "--ca-pem",
            "the CA that verifies client certificates");
  }
  if (complete) {
    out.ok("config", cfg,
           in.tls_mode == 1 ? "tlsMode 1: one-way TLS (the server does not ask for a client "
                              "certificate)"
                            : "tlsMode 2: mutual TLS (the server requires a client certificate "
                              "that verifies against caPemPath)");
  }
  return true;
}

}  // namespace

std::vector<CheckResult> run_static_checks(const DeploymentInput& in, const LoadedDeployment& f) {
  Findings out;
  if (!check_mode(in, f, out)) return out.take();

  const std::vector<std::string>& profiles = in.profiles.empty() ? profile_names() : in.profiles;
  const std::string ca_setting = in.setting_name("tls.caPemPath", "--ca-pem");
  std::vector<const X509*> seen;           // validity reported once per certificate
  std::vector<const X509*> seen_strength;  // strength likewise

  // The server's own files.
  if (f.server_pem) {
    const CertFile& server = *f.server_pem;
    if (f.server_key) check_key_matches(server, *f.server_key, Role::server, out);
    check_validity(server, in.now, in.warn_days, seen, out);
    check_strength(server, seen_strength, out);
    check_leaf_role(server, Role::server, out);
  }
  if (f.ca_pem) {
    check_is_ca(*f.ca_pem, Role::ca, nullptr, out);
    check_validity(*f.ca_pem, in.now, in.warn_days, seen, out);
    check_strength(*f.ca_pem, seen_strength, out);
  }

  // What clients trust, and whether the server's chain leads there.
  const bool trust_is_ca = f.trust && f.ca_pem && same_file(f.trust->path, f.ca_pem->path);
  if (f.trust && !trust_is_ca) {
    const X509* pinned = f.server_pem ? f.server_pem->leaf() : nullptr;
    check_is_ca(*f.trust, Role::trust, pinned, out);
    check_validity(*f.trust, in.now, in.warn_days, seen, out);
    check_strength(*f.trust, seen_strength, out);
  }
  if (f.server_pem) {
    const CertFile& server = *f.server_pem;
    if (f.trust) {
      check_server_chain_to_trust(server, *f.trust, profiles, out);
    } else {
      out.warning("server.chain_to_trust", server.name(),
                  "no --trust given, so what clients trust was not checked",
                  "pass --trust with the file clients trust (pymilvus server_pem_path in mode 1, "
                  "ca_pem_path in mode 2)");
    }
    if (f.ca_pem && !trust_is_ca) {
      // Without a client trust file, caPemPath is the best guess at what mutual-TLS clients
      // trust (the pages give them ca.pem); in mode 1 the server does not use it at all.
      Severity sev = (!f.trust && in.tls_mode == 2) ? Severity::error : Severity::warning;
      check_server_chain_to_ca(server, *f.ca_pem, sev, ca_setting, out);
    }
    std::vector<const CertFile*> anchors;
    if (f.trust) anchors.push_back(&*f.trust);
    if (f.ca_pem && !trust_is_ca) anchors.push_back(&*f.ca_pem);
    check_server_intermediates(server, anchors, out);
    check_server_name(server, in.server_name, profiles, out);
  }

  // pymilvus rule 2 (docs/milvus-rules.md): with server_pem_path set it sends no client certificate, so
  // the pages' one-way recipe (trust server.pem itself) cannot work against a mode-2 server.
  if (in.tls_mode == 2 && f.trust && f.server_pem && f.trust->contains(f.server_pem->leaf())) {
    out.warning("client.pymilvus_trust", f.trust->name(),
                "is the server certificate itself: a pymilvus client given it as "
                "server_pem_path sends no client certificate (even with client_pem_path set), so "
                "this mode-2 server refuses it",
                "in mode 2 give pymilvus ca_pem_path (the CA), client_pem_path and "
                "client_key_path, and no server_pem_path");
  }

  // The client's certificate, which only a mode-2 server asks for.
  if (f.client_pem) {
    const CertFile& client = *f.client_pem;
    if (in.tls_mode == 1) {
      out.ok("client.unused", client.name(),
             "tlsMode 1: the server does not ask for a client certificate, so it is not checked");
    } else {
      if (f.client_key) {
        check_key_matches(client, *f.client_key, Role::client, out);
      } else {
        out.error("client.key_matches", client.name(),
                  "no --client-key given: a client cannot present " + client.name() +
                      " without its key",
                  "pass --client-key with the key of " + client.name());
      }
      check_validity(client, in.now, in.warn_days, seen, out);
      check_strength(client, seen_strength, out);
      check_leaf_role(client, Role::client, out);
      if (f.ca_pem) check_client_chain_to_ca(client, *f.ca_pem, ca_setting, out);
    }
  } else if (in.tls_mode == 2) {
    out.warning("client.chain_to_ca", "",
                "no --client-pem given, so the client certificate a mode-2 server requires was "
                "not checked",
                "pass --client-pem and --client-key (pymilvus client_pem_path, client_key_path)");
  }
  return out.take();
}

}  // namespace tlsmatrix::validate
