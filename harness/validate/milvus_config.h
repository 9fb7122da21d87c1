// Reads the TLS part of a Milvus configuration file (milvus.yaml): tls.serverPemPath,
// tls.serverKeyPath, tls.caPemPath and common.security.tlsMode, and maps the container paths it
// names onto a local folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tlsmatrix::validate {

struct MilvusTlsConfig {
  std::filesystem::path file;  // the milvus.yaml that was read
  int tls_mode = 0;            // absent = 0, as Milvus's own default
  bool tls_mode_set = false;
  // Absent, null and empty values are all "not set".
  std::optional<std::string> server_pem_path;
  std::optional<std::string> server_key_path;
  std::optional<std::string> ca_pem_path;
};

// Parses milvus.yaml text. Other keys are ignored (a real milvus.yaml has hundreds). Throws
// InputError("ORIGIN:LINE:COL: ...") for YAML syntax errors and for the keys above holding the
// wrong type (a map where a path belongs, a tlsMode that is not an integer).
MilvusTlsConfig parse_milvus_config(std::string_view text, const std::filesystem::path& origin);
MilvusTlsConfig load_milvus_config(const std::filesystem::path& file);

// Where a path from milvus.yaml is on this machine. The rule (also in `validate --help`):
//  - relative paths are relative to the folder holding milvus.yaml;
//  - without `root`, absolute paths are used as they are;
//  - with `root`, an absolute path P is looked up as ROOT/P, and if no file is there, as ROOT/P
//    minus its first folder, so /milvus/tls/server.pem finds ROOT/tls/server.pem in a Docker
//    Compose folder that mounts ./tls at /milvus/tls.
// Returns the first candidate that exists; throws InputError naming milvus.yaml, the key and
// every candidate tried when none does.
std::filesystem::path resolve_config_path(const std::string& value, std::string_view key,
                                          const std::filesystem::path& config_file,
                                          const std::optional<std::filesystem::path>& root);

}  // namespace tlsmatrix::validate
