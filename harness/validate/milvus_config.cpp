#include "harness/validate/milvus_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <set>
#include <system_error>

#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/utf8.h"

namespace tlsmatrix::validate {

namespace fs = std::filesystem;

namespace {

// yaml-cpp marks are 0-based; editors count from 1.
std::string at(const fs::path& origin, const YAML::Mark& mark) {
  if (mark.is_null()) return origin.string() + ": ";
  return origin.string() + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1) + ": ";
}

std::string_view kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

// Milvus's own key matching (pkg/config formatKey): case is ignored and '.', '_' and '/' are
// dropped, so `common.security.TLSMode`, `common.security.tls_mode` and a top-level
// `common.security.tlsMode:` all name the setting common.security.tlsMode.
std::string milvus_key(std::string_view dotted) {
  std::string out;
  for (char c : dotted) {
    if (c == '.' || c == '_' || c == '/') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A key of the document with its dotted path as written. Maps are entered, as Milvus flattens
// them into dotted keys; lists and scalars are values.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

void flatten(const YAML::Node& map, const std::string& prefix, std::vector<Entry>& out) {
  for (const auto& e : map) {
    if (!e.first.IsScalar()) continue;  // no setting Milvus reads has such a key
    std::string key = prefix.empty() ? e.first.Scalar() : prefix + "." + e.first.Scalar();
    out.push_back({key, e.first, e.second});
    if (e.second.IsMap()) flatten(e.second, key, out);
  }
}

int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

std::optional<std::string> path_value(const Entry* e, const fs::path& origin) {
  if (e == nullptr || !e->value.IsDefined() || e->value.IsNull()) return std::nullopt;
  if (!e->value.IsScalar()) {
    throw InputError(at(origin, e->value.Mark()) + e->key + " must be a file path, found " +
                     std::string(kind(e->value)));
  }
  std::string s = e->value.Scalar();
  if (s.empty()) return std::nullopt;
  return s;
}

// The settings Milvus reads, by its key form, and the keys that look like them elsewhere.
constexpr std::string_view kModeKey = "common.security.tlsMode";
constexpr std::string_view kPathKeys[] = {"tls.serverPemPath", "tls.serverKeyPath",
                                          "tls.caPemPath"};

// Where a misplaced setting is plausibly meant for the proxy: the top level, `common`,
// `security`, `tls` or `proxy`. Deeper keys of the same name (internaltls.serverPemPath,
// tls.clusters.*.caPemPath in newer Milvus) are other settings.
bool near_the_proxy_settings(const std::string& parent) {
  for (std::string_view p : {"", "common", "security", "commonsecurity", "tls", "proxy",
                             "commontls", "commonsecuritytls", "proxytls"}) {
    if (parent == p) return true;
  }
  return false;
}

// The setting Milvus reads that `e` looks like, when it is not that setting; "" otherwise.
std::string lookalike_of(const Entry& e) {
  if (e.value.IsMap()) return "";
  const std::size_t dot = e.key.rfind('.');
  const std::string last = milvus_key(dot == std::string::npos ? e.key : e.key.substr(dot + 1));
  const std::string parent = dot == std::string::npos ? "" : milvus_key(e.key.substr(0, dot));
  const std::string whole = milvus_key(e.key);
  if (last == "tlsmode" && whole != milvus_key(kModeKey)) return std::string(kModeKey);
  // The older Milvus pages' `common.security.tlsEnabled: true`, which Milvus does not read.
  if (last == "tlsenabled" && near_the_proxy_settings(parent)) return std::string(kModeKey);
  for (std::string_view k : kPathKeys) {
    const std::string name = milvus_key(k.substr(k.find('.') + 1));
    if (last == name && whole != milvus_key(k) && near_the_proxy_settings(parent)) {
      return std::string(k);
    }
  }
  return "";
}

// Milvus reads milvus.yaml with Go's YAML parser, which refuses what yaml-cpp lets through: bytes
// that are not UTF-8, a key given twice in one map (yaml-cpp would quietly use the first), and
// excessive aliasing. A file Milvus would not start with is bad input here too.
// Milvus's full milvus.yaml is about 2,000 nodes. The fuzzer found that a budget of a million
// made an alias bomb cost 15 s under the sanitizers (0.15 s in a release build).
constexpr std::size_t kMaxNodes = 100'000;
// Milvus's own file is five levels deep; an alias may even point back into its own anchor
// (`a: &a {b: *a}`), which makes the tree a cycle that only a depth limit ends.
constexpr std::size_t kMaxDepth = 64;

// yaml-cpp shares an aliased node instead of copying it, so an alias bomb ("billion laughs") is
// cheap to load but endless to walk: the node budget ends the walk and names the problem.
void check_structure(const YAML::Node& n, const fs::path& origin, std::size_t& budget,
                     std::size_t depth = 0) {
  if (budget == 0) {
    throw InputError(at(origin, n.Mark()) + "more than " + std::to_string(kMaxNodes) +
                     " YAML nodes once aliases are expanded (an alias bomb?)");
  }
  if (depth > kMaxDepth) {
    throw InputError(at(origin, n.Mark()) + "nested more than " + std::to_string(kMaxDepth) +
                     " levels deep, counting aliases (an alias that contains itself?)");
  }
  --budget;
  if (n.IsSequence()) {
    for (const auto& item : n) check_structure(item, origin, budget, depth + 1);
  } else if (n.IsMap()) {
    std::set<std::string> keys;
    for (const auto& entry : n) {
      if (entry.first.IsScalar() && !keys.insert(entry.first.Scalar()).second) {
        throw InputError(at(origin, entry.first.Mark()) + "duplicate key '" +
                         entry.first.Scalar() + "' (Milvus refuses the file)");
      }
      check_structure(entry.first, origin, budget, depth + 1);
      check_structure(entry.second, origin, budget, depth + 1);
    }
  }
}

}  // namespace

MilvusTlsConfig parse_milvus_config(std::string_view text, const fs::path& origin) {
  io::check_utf8(text, origin.string());
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw InputError(at(origin, e.mark) + "not valid YAML: " + e.msg);
  }
  MilvusTlsConfig cfg;
  cfg.file = origin;
  // An empty file is a truncated copy or the wrong path far more often than a deliberate
  // "all defaults" (which a real milvus.yaml never is: it has hundreds of keys).
  if (!doc.IsDefined() || doc.IsNull()) {
    throw InputError(origin.string() + ": empty: no settings (expected Milvus's milvus.yaml)");
  }
  std::size_t budget = kMaxNodes;
  check_structure(doc, origin, budget);
  if (!doc.IsMap()) {
    throw InputError(at(origin, doc.Mark()) + "expected a map at the top level, found " +
                     std::string(kind(doc)));
  }

  std::vector<Entry> entries;
  flatten(doc, "", entries);
  // The entry of each setting Milvus reads: [0] tlsMode, then the three paths.
  const Entry* setting[4] = {nullptr, nullptr, nullptr, nullptr};
  const std::string wanted[4] = {milvus_key(kModeKey), milvus_key(kPathKeys[0]),
                                 milvus_key(kPathKeys[1]), milvus_key(kPathKeys[2])};
  for (const auto& e : entries) {
    const std::string k = milvus_key(e.key);
    if ((k == "tls" || k == "common" || k == "commonsecurity") && !e.value.IsMap() &&
        !e.value.IsNull()) {
      throw InputError(at(origin, e.value.Mark()) + e.key + " must be a map, found " +
                       std::string(kind(e.value)));
    }
    for (int i = 0; i < 4; ++i) {
      if (k != wanted[i]) continue;
      if (setting[i] != nullptr) {
        throw InputError(at(origin, e.key_node.Mark()) + e.key + " and " + setting[i]->key +
                         " (line " + std::to_string(line_of(setting[i]->key_node)) +
                         ") are one setting to Milvus, which ignores case, '.' and '_' in keys; "
                         "which value it takes is not defined: keep one");
      }
      setting[i] = &e;
    }
    if (std::string reads = lookalike_of(e); !reads.empty()) {
      cfg.lookalikes.push_back(
          {{e.key, e.value.IsScalar() ? e.value.Scalar() : "", line_of(e.key_node)}, reads});
    }
  }

  cfg.server_pem_path = path_value(setting[1], origin);
  cfg.server_key_path = path_value(setting[2], origin);
  cfg.ca_pem_path = path_value(setting[3], origin);
  if (const Entry* m = setting[0]; m != nullptr && !m->value.IsNull()) {
    const YAML::Node& mode = m->value;
    const std::string s = mode.IsScalar() ? mode.Scalar() : std::string();
    int value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (!mode.IsScalar() || s.empty() || ec != std::errc() || end != s.data() + s.size()) {
      throw InputError(at(origin, mode.Mark()) + m->key + " must be an integer (0, 1 or 2), found " +
                       (mode.IsScalar() ? "'" + s + "'" : std::string(kind(mode))));
    }
    cfg.tls_mode = value;
    cfg.tls_mode_set = true;
    cfg.tls_mode_line = line_of(m->key_node);
  }
  return cfg;
}

MilvusTlsConfig load_milvus_config(const fs::path& file) {
  return parse_milvus_config(io::read_file(file), file);
}

PathBase path_base(const std::string& workdir, const std::string& root) {
  PathBase base;
  base.workdir_given = !workdir.empty();
  base.workdir = base.workdir_given ? fs::path(workdir) : fs::current_path();
  if (!root.empty()) base.root = fs::path(root);
  return base;
}

fs::path resolve_config_path(const std::string& value, std::string_view key,
                             const fs::path& config_file, const PathBase& base) {
  fs::path p(value);
  std::vector<fs::path> candidates;
  if (p.is_relative()) {
    // Kept relative when the current directory stands in for Milvus's: messages then show the
    // path the way the user wrote it.
    candidates.push_back(base.workdir_given ? base.workdir / p : p);
  } else if (!base.root) {
    candidates.push_back(p);
  } else {
    fs::path rel = p.relative_path();
    candidates.push_back(*base.root / rel);
    auto it = rel.begin();
    if (it != rel.end() && std::next(it) != rel.end()) {
      fs::path rest;
      for (++it; it != rel.end(); ++it) rest /= *it;
      candidates.push_back(*base.root / rest);
    }
  }
  std::error_code ec;
  for (const auto& c : candidates) {
    if (fs::exists(c, ec)) return c.lexically_normal();
  }
  std::string tried;
  for (const auto& c : candidates) {
    tried += (tried.empty() ? "" : " or ") +
             (p.is_relative() ? (base.workdir / p).lexically_normal().string() : c.string());
  }
  std::string hint;
  if (p.is_relative()) {
    hint = " (relative paths are resolved against --workdir " + base.workdir.string() +
           (base.workdir_given ? "" : " (the current directory)") +
           ", Milvus's working directory; --root maps only absolute paths)";
  } else if (!base.root) {
    hint = " (a container path? give --root DIR to map it onto a local folder)";
  }
  throw InputError(config_file.string() + ": " + std::string(key) + " = " + value +
                   ": no file at " + tried + hint);
}

}  // namespace tlsmatrix::validate
