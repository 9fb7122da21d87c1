#include "harness/validate/milvus_config.h"

#include <cctype>
#include <charconv>
#include <system_error>

#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/utf8.h"
#include "harness/yaml/strict_yaml.h"

namespace tlsmatrix::validate {

namespace fs = std::filesystem;

namespace {

using yaml::YNode;
using Kind = yaml::YNode::Kind;
using Reader = yaml::YamlReader;

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
  const YNode* key_node;
  const YNode* value;
};

void flatten(const YNode& map, const std::string& prefix, std::vector<Entry>& out) {
  for (const auto& [k, v] : map.entries) {
    if (k.kind != Kind::scalar) continue;  // no setting Milvus reads has such a key
    std::string key = prefix.empty() ? k.value : prefix + "." + k.value;
    out.push_back({key, &k, &v});
    if (v.kind == Kind::map) flatten(v, key, out);
  }
}

int line_of(const YNode& n) { return n.mark.line + 1; }

std::optional<std::string> path_value(const Reader& r, const Entry* e) {
  if (e == nullptr || e->value->kind == Kind::null) return std::nullopt;
  if (e->value->kind != Kind::scalar) {
    r.fail(*e->value, e->key + " must be a file path, found " + std::string(Reader::kind_name(*e->value)));
  }
  if (e->value->value.empty()) return std::nullopt;
  return e->value->value;
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
  if (e.value->kind == Kind::map) return "";
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
// that are not UTF-8, a key given twice in one map (yaml-cpp would quietly use the first), an
// alias inside the value it names, and excessive aliasing. A file Milvus would not start with is
// bad input here too. What Go's parser accepts (anchors and aliases, tags, keys that are not
// names, a later document it never reads) is accepted.
yaml::StrictYamlRules milvus_rules() {
  yaml::StrictYamlRules rules;
  rules.what = "milvus.yaml";
  rules.empty_file = "no settings (expected Milvus's milvus.yaml)";
  // Milvus's own file is five levels deep; 65 is the limit this reader had before harness/yaml.
  rules.max_depth = 65;
  rules.aliases = yaml::StrictYamlRules::Aliases::expand;
  // Milvus's full milvus.yaml is about 2,000 nodes. The fuzzer found that a budget of a million
  // made an alias bomb cost 15 s under the sanitizers (0.15 s in a release build).
  rules.max_nodes = 100'000;
  rules.tags_ignored = true;
  rules.any_keys = true;
  rules.later_documents_ignored = true;
  return rules;
}

}  // namespace

MilvusTlsConfig parse_milvus_config(std::string_view text, const fs::path& origin) {
  const std::string file = origin.string();
  io::check_utf8(text, file);
  const yaml::StrictYamlRules rules = milvus_rules();
  const YNode doc = yaml::parse_strict_yaml(text, file, rules);
  const Reader r(file);
  MilvusTlsConfig cfg;
  cfg.file = origin;
  // An empty file is a truncated copy or the wrong path far more often than a deliberate
  // "all defaults" (which a real milvus.yaml never is: it has hundreds of keys).
  if (doc.kind == Kind::null) throw yaml::empty_file_error(file, rules);
  if (doc.kind != Kind::map) {
    r.fail(doc, "expected a map at the top level, found " + std::string(Reader::kind_name(doc)));
  }

  std::vector<Entry> entries;
  flatten(doc, "", entries);
  // The entry of each setting Milvus reads: [0] tlsMode, then the three paths.
  const Entry* setting[4] = {nullptr, nullptr, nullptr, nullptr};
  const std::string wanted[4] = {milvus_key(kModeKey), milvus_key(kPathKeys[0]),
                                 milvus_key(kPathKeys[1]), milvus_key(kPathKeys[2])};
  for (const auto& e : entries) {
    const std::string k = milvus_key(e.key);
    if ((k == "tls" || k == "common" || k == "commonsecurity") && e.value->kind != Kind::map &&
        e.value->kind != Kind::null) {
      r.fail(*e.value, e.key + " must be a map, found " + std::string(Reader::kind_name(*e.value)));
    }
    for (int i = 0; i < 4; ++i) {
      if (k != wanted[i]) continue;
      if (setting[i] != nullptr) {
        r.fail(*e.key_node, e.key + " and " + setting[i]->key + " (line " +
                                std::to_string(line_of(*setting[i]->key_node)) +
                                ") are one setting to Milvus, which ignores case, '.' and '_' in "
                                "keys; which value it takes is not defined: keep one");
      }
      setting[i] = &e;
    }
    if (std::string reads = lookalike_of(e); !reads.empty()) {
      cfg.lookalikes.push_back(
          {{e.key, e.value->kind == Kind::scalar ? e.value->value : "", line_of(*e.key_node)},
           reads});
    }
  }

  cfg.server_pem_path = path_value(r, setting[1]);
  cfg.server_key_path = path_value(r, setting[2]);
  cfg.ca_pem_path = path_value(r, setting[3]);
  if (const Entry* m = setting[0]; m != nullptr && m->value->kind != Kind::null) {
    const YNode& mode = *m->value;
    const std::string s = mode.kind == Kind::scalar ? mode.value : std::string();
    int value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (mode.kind != Kind::scalar || s.empty() || ec != std::errc() || end != s.data() + s.size()) {
      r.fail(mode, m->key + " must be an integer (0, 1 or 2), found " +
                       (mode.kind == Kind::scalar ? "'" + s + "'" : std::string(Reader::kind_name(mode))));
    }
    cfg.tls_mode = value;
    cfg.tls_mode_set = true;
    cfg.tls_mode_line = line_of(*m->key_node);
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
  throw io::InputError(config_file.string() + ": " + std::string(key) + " = " + value +
                   ": no file at " + tried + hint);
}

}  // namespace tlsmatrix::validate
