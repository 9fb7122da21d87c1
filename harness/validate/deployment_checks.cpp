#include "harness/validate/deployment_checks.h"

#include <cctype>
#include <system_error>

#include "harness/io/list_text.h"
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

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string mode_words(int mode) {
  return mode == 1 ? "one-way TLS" : mode == 2 ? "mutual TLS" : "plaintext";
}

// A tlsMode (or the older pages' tlsEnabled) where Milvus does not read it: an error when the
// user evidently meant another mode than the one Milvus will run, else a warning that the key
// does nothing.
void check_mode_lookalikes(const DeploymentInput& in, Findings& out) {
  for (const auto& l : in.lookalikes) {
    if (l.reads != "common.security.tlsMode") continue;
    const YamlSetting& k = l.found;
    const bool enabled_key = lower(k.key).ends_with("tlsenabled");
    bool meant_other;
    if (enabled_key) {
      const std::string v = lower(k.value);
      const bool on = v == "true" || v == "yes" || v == "on" || v == "1";
      meant_other = on != uses_tls(in.tls_mode);
    } else {
      meant_other = k.value != std::to_string(in.tls_mode);
    }
    const std::string where = k.key + ": " + (k.value.empty() ? "(no value)" : k.value) +
                              " (line " + std::to_string(k.line) + ")";
    const std::string reads =
        in.tls_mode_set ? "it reads " + in.mode_origin()
                        : "it reads common.security.tlsMode, which is not set (default 0)";
    if (meant_other) {
      out.error("mode.key", in.config_file.string(),
                where + " is not read by Milvus: " + reads + ", so the proxy runs tlsMode " +
                    std::to_string(in.tls_mode) + " (" + mode_words(in.tls_mode) + ")",
                enabled_key ? "delete " + k.key + " and set common.security.tlsMode to 1 (one-way "
                              "TLS) or 2 (mutual TLS), nested as common: security: tlsMode:"
                : in.tls_mode_set ? "delete " + k.key + "; if tlsMode " + k.value +
                                        " is meant, set common.security.tlsMode to it"
                                  : "move it to common.security.tlsMode (nested as common: "
                                    "security: tlsMode: " + k.value + ") and delete " + k.key);
    } else {
      out.warning("mode.key", in.config_file.string(),
                  where + " is not read by Milvus, which reads common.security.tlsMode: it has "
                          "no effect",
                  "delete " + k.key);
    }
  }
}

// Plaintext: Milvus loads no TLS files. That is clean only when nothing expects TLS: server
// files set without any tlsMode, or clients given TLS files, are errors (those clients fail with
// tls_to_plaintext; the dynamic check shows it).
void check_plaintext(const DeploymentInput& in, const LoadedDeployment& f, Findings& out) {
  const std::string cfg = config_name(in);
  const std::string origin = in.mode_origin();
  const std::string mode_setting = in.setting_name("common.security.tlsMode", "--tls-mode");
  if (in.tls_mode == 0 && !in.tls_mode_set) {
    out.ok("mode", cfg,
           "common.security.tlsMode is not set, so Milvus's default tlsMode 0 applies: the proxy "
           "serves plaintext and loads no TLS files");
  } else if (in.tls_mode == 0) {
    out.ok("mode", cfg,
           "tlsMode 0 (" + origin + "): the proxy serves plaintext and loads no TLS files");
  } else {
    out.warning("mode", cfg,
                "tlsMode " + std::to_string(in.tls_mode) + " (" + origin + ") is neither 1 nor "
                "2: Milvus serves plaintext and loads no TLS files",
                "set " + mode_setting + " to 1 (one-way TLS) or 2 (mutual TLS)");
  }
  if (!in.unused_server_settings.empty()) {
    const std::string names = io::join_and(in.unused_server_settings);
    const bool one = in.unused_server_settings.size() == 1;
    const std::string set = std::string(one ? " is" : " are") + (cfg.empty() ? " given" : " set");
    if (in.tls_mode == 0 && in.tls_mode_set) {
      // Milvus's own milvus.yaml ships like this: tls.* defaults and an explicit tlsMode: 0.
      out.ok("config", cfg, names + set + ", but tlsMode 0 does not load " + (one ? "it" : "them"));
    } else {
      const std::string why =
          in.tls_mode_set ? "tlsMode " + std::to_string(in.tls_mode) + " is neither 1 nor 2"
                          : "common.security.tlsMode is not (Milvus's default 0)";
      out.error("config", cfg,
                names + set + ", but " + why +
                    ": Milvus serves plaintext and never loads " + (one ? "it" : "them"),
                "set " + mode_setting + " to 1 (one-way TLS) or 2 (mutual TLS); or, if plaintext "
                "is meant, to 0");
    }
  }
  std::vector<std::string> client;
  if (f.trust) client.push_back("--trust " + f.trust->name());
  if (f.client_pem) client.push_back("--client-pem " + f.client_pem->name());
  if (f.client_key) client.push_back("--client-key " + f.client_key->name());
  if (!client.empty()) {
    out.error("client.mode", cfg,
              "clients given " + io::join_and(client) + " connect with TLS, but the server is "
              "plaintext (" + origin + "): they fail with tls_to_plaintext",
              "set " + mode_setting + " to 1 (one-way TLS) or 2 (mutual TLS); or, if plaintext "
              "is meant, connect clients without TLS (pymilvus secure=False, no certificate "
              "files)");
  }
}

// The mode and the settings it needs. Returns false when there is nothing further to check.
bool check_mode(const DeploymentInput& in, const LoadedDeployment& f, Findings& out) {
  const std::string cfg = config_name(in);
  check_mode_lookalikes(in, out);
  if (!uses_tls(in.tls_mode)) {
    check_plaintext(in, f, out);
    return false;
  }
  bool complete = true;
  auto require = [&](bool present, const char* yaml_key, const char* flag, const char* what) {
    if (present) return;
    // The same name elsewhere in milvus.yaml is most likely the intended setting.
    std::string misplaced;
    for (const auto& l : in.lookalikes) {
      if (l.reads == yaml_key) {
        misplaced += "; " + l.found.key + " (line " + std::to_string(l.found.line) +
                     ") is not where Milvus reads it";
      }
    }
    out.error("config", cfg,
              "tlsMode " + std::to_string(in.tls_mode) + " needs " + what + " but " +
                  in.setting_name(yaml_key, flag) + " is not set: the proxy does not start" +
                  misplaced,
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

std::vector<Finding> run_static_checks(const DeploymentInput& in, const LoadedDeployment& f) {
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
