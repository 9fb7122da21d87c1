// Reads the TLS part of a Milvus configuration file (milvus.yaml): tls.serverPemPath,
// tls.serverKeyPath, tls.caPemPath and common.security.tlsMode, found the way Milvus finds them,
// and maps the paths it names onto local files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::validate {

// A key as milvus.yaml spells it, where it is, and its value as written.
struct YamlSetting {
  std::string key;    // dotted, as written: "common.tlsMode"
  std::string value;  // the scalar as written; "" for a map or list
  int line = 0;       // 1-based
};

struct MilvusTlsConfig {
  std::filesystem::path file;  // the milvus.yaml that was read
  int tls_mode = 0;            // absent = 0, as Milvus's own default
  bool tls_mode_set = false;
  int tls_mode_line = 0;       // where it was set
  // Absent, null and empty values are all "not set".
  std::optional<std::string> server_pem_path;
  std::optional<std::string> server_key_path;
  std::optional<std::string> ca_pem_path;
  // Keys that look like one of the four settings where Milvus does not read it: a tlsMode under
  // `common` or at the top level, the older pages' common.security.tlsEnabled, a serverPemPath
  // outside `tls`. `reads` is the setting Milvus reads instead ("common.security.tlsMode").
  struct Lookalike {
    YamlSetting found;
    std::string reads;
  };
  std::vector<Lookalike> lookalikes;
};

// Parses milvus.yaml text. Keys match as Milvus matches them (pkg/config: case ignored, and '.',
// '_' and '/' dropped, so `common.security.TLSMode` and `common: {security.tlsMode: 2}` are read).
// Other keys are ignored (a real milvus.yaml has hundreds). Throws
// InputError("ORIGIN:LINE:COL: ...") (harness/yaml's format) for YAML syntax errors, for what
// Milvus's parser refuses (a duplicate key, an alias inside the value it names, an alias bomb),
// for the keys above holding the wrong type (a map where a path belongs, a tlsMode that is not
// an integer), and for a setting spelt twice in ways Milvus takes as one key (it would pick
// either at random).
MilvusTlsConfig parse_milvus_config(std::string_view text, const std::filesystem::path& origin);
MilvusTlsConfig load_milvus_config(const std::filesystem::path& file);

// What relative and absolute paths in milvus.yaml are resolved against.
struct PathBase {
  // Milvus's working directory: relative paths are relative to it, as Milvus opens them.
  std::filesystem::path workdir;
  bool workdir_given = false;  // false: the current directory (absolute) stands in for it
  // Folder that absolute (container) paths are mapped onto.
  std::optional<std::filesystem::path> root;
};

// The PathBase for --workdir (empty = the current directory) and --root (empty = none).
PathBase path_base(const std::string& workdir, const std::string& root);

// Where a path from milvus.yaml is on this machine. The rule (also in `validate --help`):
//  - relative paths are relative to Milvus's working directory (base.workdir), whatever `root`;
//  - without `root`, absolute paths are used as they are;
//  - with `root`, an absolute path P is looked up as ROOT/P, and if no file is there, as ROOT/P
//    minus its first folder, so /milvus/tls/server.pem finds ROOT/tls/server.pem in a Docker
//    Compose folder that mounts ./tls at /milvus/tls.
// Returns the first candidate that exists; throws InputError naming milvus.yaml, the key, every
// candidate tried and the base used when none does.
std::filesystem::path resolve_config_path(const std::string& value, std::string_view key,
                                          const std::filesystem::path& config_file,
                                          const PathBase& base);

}  // namespace tlsmatrix::validate
