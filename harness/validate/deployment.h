// What `tlsmatrix validate` checks: the server side as Milvus's proxy would load it, the client
// side as a pymilvus-style client would, and the loaded certificates and keys.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/ossl/ossl_ptr.h"
#include "harness/validate/milvus_config.h"

namespace tlsmatrix::validate {

struct DeploymentInput {
  int tls_mode = 0;
  // False when milvus.yaml does not set common.security.tlsMode (Milvus's default 0 applies);
  // --tls-mode always sets it.
  bool tls_mode_set = true;
  int tls_mode_line = 0;  // where milvus.yaml sets it
  // The milvus.yaml the server side came from; empty when it came from flags. Messages about
  // the server configuration name it (and its keys) or the flags accordingly.
  std::filesystem::path config_file;
  // Server TLS settings given although the mode is plaintext, so Milvus never loads them:
  // "tls.serverPemPath" (milvus.yaml) or "--server-pem" (flags).
  std::vector<std::string> unused_server_settings;
  // Keys in milvus.yaml that look like a TLS setting where Milvus does not read it.
  std::vector<MilvusTlsConfig::Lookalike> lookalikes;

  std::optional<std::filesystem::path> server_pem, server_key, ca_pem;
  std::optional<std::filesystem::path> client_pem, client_key, trust;
  std::string server_name;  // empty = not given

  int warn_days = 30;
  std::vector<std::string> profiles;  // empty = every profile
  // Server profiles the handshake check runs with (harness/verdict/server_profile.h); empty =
  // the harness's own server only.
  std::vector<std::string> servers;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();

  // "tls.caPemPath in milvus.yaml" or "--ca-pem", for messages about a missing setting.
  std::string setting_name(const char* yaml_key, const char* flag) const;
  // A file and where it was configured: "tls.serverKeyPath (F)" or "--server-key F".
  std::string file_label(const char* yaml_key, const char* flag,
                         const std::filesystem::path& file) const;
  // Where the mode comes from, for messages about milvus.yaml or the flags: "--tls-mode 0",
  // "common.security.tlsMode: 0 at line 9", "common.security.tlsMode not set: Milvus's default 0".
  std::string mode_origin() const;
};

// Fills the server side of `input` from milvus.yaml, resolving paths (see resolve_config_path).
// Throws InputError when a configured file cannot be found. In a plaintext mode the files are
// neither resolved nor loaded (Milvus does not open them) but listed as unused settings.
void apply_milvus_config(const MilvusTlsConfig& cfg, const PathBase& base, DeploymentInput& input);

struct CertFile {
  std::filesystem::path path;
  std::vector<ossl::X509Ptr> certs;  // never empty: loading refuses a file without a certificate

  std::string name() const { return path.string(); }
  X509* leaf() const { return certs.front().get(); }
  std::vector<X509*> all() const;
  std::vector<X509*> after_leaf() const;  // what a peer sends besides its own certificate
  bool contains(const X509* cert) const;
};

struct KeyFile {
  std::filesystem::path path;
  ossl::EvpPkeyPtr key;
  std::string name() const { return path.string(); }
};

struct LoadedDeployment {
  std::optional<CertFile> server_pem, ca_pem, client_pem, trust;
  std::optional<KeyFile> server_key, client_key;
};

// Loads every file the input names (PEM or DER). Throws InputError naming the file when one is
// unreadable or does not parse: the command exits 2 rather than judge half a deployment.
LoadedDeployment load_deployment(const DeploymentInput& input);

// tlsMode 1 and 2 use TLS; Milvus serves plaintext for any other value.
inline bool uses_tls(int tls_mode) { return tls_mode == 1 || tls_mode == 2; }

}  // namespace tlsmatrix::validate
