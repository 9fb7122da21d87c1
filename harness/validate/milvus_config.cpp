#include "harness/validate/milvus_config.h"

#include <yaml-cpp/yaml.h>

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

// The child map `key` of `parent`, or an undefined node when absent or null.
YAML::Node section(const YAML::Node& parent, const char* key, std::string_view dotted,
                   const fs::path& origin) {
  YAML::Node child = parent[key];
  if (!child.IsDefined() || child.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
  if (!child.IsMap()) {
    throw InputError(at(origin, child.Mark()) + std::string(dotted) + " must be a map, found " +
                     std::string(kind(child)));
  }
  return child;
}

std::optional<std::string> path_value(const YAML::Node& tls, const char* key,
                                      const fs::path& origin) {
  if (!tls.IsDefined()) return std::nullopt;
  YAML::Node v = tls[key];
  if (!v.IsDefined() || v.IsNull()) return std::nullopt;
  if (!v.IsScalar()) {
    throw InputError(at(origin, v.Mark()) + "tls." + key + " must be a file path, found " +
                     std::string(kind(v)));
  }
  std::string s = v.Scalar();
  if (s.empty()) return std::nullopt;
  return s;
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

  YAML::Node tls = section(doc, "tls", "tls", origin);
  cfg.server_pem_path = path_value(tls, "serverPemPath", origin);
  cfg.server_key_path = path_value(tls, "serverKeyPath", origin);
  cfg.ca_pem_path = path_value(tls, "caPemPath", origin);

  YAML::Node common = section(doc, "common", "common", origin);
  YAML::Node security =
      common.IsDefined() ? section(common, "security", "common.security", origin) : common;
  if (security.IsDefined()) {
    YAML::Node mode = security["tlsMode"];
    if (mode.IsDefined() && !mode.IsNull()) {
      const std::string s = mode.IsScalar() ? mode.Scalar() : std::string();
      int value = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      if (!mode.IsScalar() || s.empty() || ec != std::errc() || end != s.data() + s.size()) {
        throw InputError(at(origin, mode.Mark()) +
                         "common.security.tlsMode must be an integer (0, 1 or 2), found " +
                         (mode.IsScalar() ? "'" + s + "'" : std::string(kind(mode))));
      }
      cfg.tls_mode = value;
      cfg.tls_mode_set = true;
    }
  }
  return cfg;
}

MilvusTlsConfig load_milvus_config(const fs::path& file) {
  return parse_milvus_config(io::read_file(file), file);
}

fs::path resolve_config_path(const std::string& value, std::string_view key,
                             const fs::path& config_file, const std::optional<fs::path>& root) {
  fs::path p(value);
  std::vector<fs::path> candidates;
  if (p.is_relative()) {
    candidates.push_back(config_file.parent_path() / p);
  } else if (!root) {
    candidates.push_back(p);
  } else {
    fs::path rel = p.relative_path();
    candidates.push_back(*root / rel);
    auto it = rel.begin();
    if (it != rel.end() && std::next(it) != rel.end()) {
      fs::path rest;
      for (++it; it != rel.end(); ++it) rest /= *it;
      candidates.push_back(*root / rest);
    }
  }
  std::error_code ec;
  for (const auto& c : candidates) {
    if (fs::exists(c, ec)) return c.lexically_normal();
  }
  std::string tried;
  for (const auto& c : candidates) tried += (tried.empty() ? "" : " or ") + c.string();
  std::string hint = (!p.is_relative() && !root)
                         ? " (a container path? give --root DIR to map it onto a local folder)"
                         : "";
  throw InputError(config_file.string() + ": " + std::string(key) + " = " + value +
                   ": no file at " + tried + hint);
}

}  // namespace tlsmatrix::validate
