#include "harness/validate/deployment.h"

#include "harness/certs/pem_io.h"

namespace tlsmatrix::validate {

namespace fs = std::filesystem;

std::string DeploymentInput::setting_name(const char* yaml_key, const char* flag) const {
  if (config_file.empty()) return flag;
  return std::string(yaml_key) + " in " + config_file.string();
}

std::string DeploymentInput::file_label(const char* yaml_key, const char* flag,
                                        const fs::path& file) const {
  if (config_file.empty()) return std::string(flag) + " " + file.string();
  return std::string(yaml_key) + " (" + file.string() + ")";
}

std::string DeploymentInput::mode_origin() const {
  if (config_file.empty()) return "--tls-mode " + std::to_string(tls_mode);
  if (!tls_mode_set) return "common.security.tlsMode not set: Milvus's default 0";
  return "common.security.tlsMode: " + std::to_string(tls_mode) +
         (tls_mode_line > 0 ? " at line " + std::to_string(tls_mode_line) : "");
}

void apply_milvus_config(const MilvusTlsConfig& cfg, const PathBase& base, DeploymentInput& input) {
  input.config_file = cfg.file;
  input.tls_mode = cfg.tls_mode;
  input.tls_mode_set = cfg.tls_mode_set;
  input.tls_mode_line = cfg.tls_mode_line;
  input.lookalikes = cfg.lookalikes;
  auto resolve = [&](const std::optional<std::string>& value,
                     const char* key) -> std::optional<fs::path> {
    if (!value) return std::nullopt;
    return resolve_config_path(*value, key, cfg.file, base);
  };
  // Milvus loads the files only when TLS is on, so in plaintext modes a stale path is harmless;
  // that they are set at all is reported (deployment_checks.cpp).
  if (!uses_tls(cfg.tls_mode)) {
    if (cfg.server_pem_path) input.unused_server_settings.push_back("tls.serverPemPath");
    if (cfg.server_key_path) input.unused_server_settings.push_back("tls.serverKeyPath");
    if (cfg.ca_pem_path) input.unused_server_settings.push_back("tls.caPemPath");
    return;
  }
  input.server_pem = resolve(cfg.server_pem_path, "tls.serverPemPath");
  input.server_key = resolve(cfg.server_key_path, "tls.serverKeyPath");
  input.ca_pem = resolve(cfg.ca_pem_path, "tls.caPemPath");
}

std::vector<X509*> CertFile::all() const {
  std::vector<X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

std::vector<X509*> CertFile::after_leaf() const {
  std::vector<X509*> out;
  for (std::size_t i = 1; i < certs.size(); ++i) out.push_back(certs[i].get());
  return out;
}

bool CertFile::contains(const X509* cert) const {
  for (const auto& c : certs) {
    if (X509_cmp(c.get(), cert) == 0) return true;
  }
  return false;
}

LoadedDeployment load_deployment(const DeploymentInput& input) {
  LoadedDeployment out;
  auto certs = [](const std::optional<fs::path>& p) -> std::optional<CertFile> {
    if (!p) return std::nullopt;
    return CertFile{*p, certs::load_certs(*p)};
  };
  auto key = [](const std::optional<fs::path>& p) -> std::optional<KeyFile> {
    if (!p) return std::nullopt;
    return KeyFile{*p, certs::load_private_key(*p)};
  };
  out.server_pem = certs(input.server_pem);
  out.server_key = key(input.server_key);
  out.ca_pem = certs(input.ca_pem);
  out.client_pem = certs(input.client_pem);
  out.client_key = key(input.client_key);
  out.trust = certs(input.trust);
  return out;
}

}  // namespace tlsmatrix::validate
