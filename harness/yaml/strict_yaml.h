// The one strict YAML reader (scenarios, the exporter's config, Milvus's milvus.yaml): a small
// tree built from yaml-cpp's parser events, so that duplicate keys, excessive nesting and, per
// caller, aliases, tags and a second document are errors with a line number instead of being
// silently resolved, kept or ignored; and a reader whose every accessor names the key path in its
// error ("FILE:LINE:COL: certs.server.key: expected a map, found a list"). Errors are InputError.
#pragma once

#include <yaml-cpp/mark.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "harness/io/input_error.h"

namespace tlsmatrix::yaml {

template <typename Range>
std::string join(const Range& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += std::string(item);
  }
  return out;
}

template <typename Range>
bool contains(const Range& items, std::string_view value) {
  return std::find(std::begin(items), std::end(items), value) != std::end(items);
}

struct YEntry;

struct YNode {
  enum class Kind { null, scalar, seq, map };
  Kind kind = Kind::null;
  YAML::Mark mark;
  std::string value;  // scalar text
  bool quoted = false;
  std::vector<YNode> items;                      // seq
  // std::pair<YNode, YNode> would need YNode complete here: libstdc++ lets g++ through, clang
  // (the fuzz build) refuses. A struct declared ahead is fine for both.
  std::vector<YEntry> entries;  // map, in file order
};

struct YEntry {
  YNode key;
  YNode value;
};

// "FILE:LINE:COL" (yaml-cpp counts from 0, editors from 1): the start of every message.
std::string yaml_at(const std::string& file, const YAML::Mark& mark);

// What a file may hold. The defaults suit the project's own files (scenarios, the exporter's
// config); a file another program reads (Milvus's milvus.yaml) is read the way that program's
// parser reads it, so that what it would start with is not refused here.
struct StrictYamlRules {
  std::string_view what;        // "scenario": named in messages ("... not allowed in scenario files")
  std::string_view empty_file;  // the message after "empty file: "
  // More levels of lists and maps than this are refused (a scalar inside the deepest allowed
  // list is fine): deeper nesting is a mistake or an attack on the recursion.
  std::size_t max_depth = 8;
  // Refused: "write each value out". Expanded: each alias becomes a copy of what it names (as
  // yaml-cpp and Go's parser resolve them), with every copied node counted against max_nodes
  // and max_depth, and an alias inside the value it names refused (a cycle).
  enum class Aliases { refuse, expand };
  Aliases aliases = Aliases::refuse;
  std::size_t max_nodes = 0;  // nodes in the tree once aliases are expanded; 0: no budget
  bool tags_ignored = false;  // false: a tag (!!str, !foo) is an error
  bool any_keys = false;      // false: a key is a plain, non-empty scalar
  bool later_documents_ignored = false;  // false: a second document is an error
};

// The first document (the only one, unless later_documents_ignored). `file` names the origin
// in messages; every error is InputError("FILE:LINE:COL: message").
YNode parse_strict_yaml(std::string_view yaml, const std::string& file,
                        const StrictYamlRules& rules);

// "FILE:1:1: empty file: <rules.empty_file>": what parse_strict_yaml throws for a file without a
// document, for callers that take a document holding only null (`~`, `---`) as empty too.
io::InputError empty_file_error(const std::string& file, const StrictYamlRules& rules);

// Typed access to the tree: every accessor names the key path ("certs.server.key") in its error.

class YamlReader {
 public:
  explicit YamlReader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const YNode& n, const std::string& msg) const {
    throw io::InputError(yaml_at(file_, n.mark) + ": " + msg);
  }

  static std::string_view kind_name(const YNode& n) {
    switch (n.kind) {
      case YNode::Kind::null: return "nothing";
      case YNode::Kind::scalar: return "a scalar";
      case YNode::Kind::seq: return "a list";
      case YNode::Kind::map: return "a map";
    }
    return "?";
  }

  const YNode& map(const YNode& n, const std::string& path) const {
    if (n.kind != YNode::Kind::map) {
      fail(n, path + ": expected a map, found " + std::string(kind_name(n)));
    }
    return n;
  }

  void allow_keys(const YNode& m, const std::string& path,
                  std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : m.entries) {
      if (!contains(allowed, key.value)) {
        fail(key, "unknown key '" + key.value + "' in " + path + "; allowed: " + join(allowed));
      }
    }
  }

  static const YNode* find(const YNode& m, std::string_view key) {
    for (const auto& [k, v] : m.entries) {
      if (k.value == key) return &v;
    }
    return nullptr;
  }

  const YNode& require(const YNode& m, std::string_view key, const std::string& path) const {
    const YNode* n = find(m, key);
    if (!n) fail(m, path + ": missing required key '" + std::string(key) + "'");
    return *n;
  }

  std::string scalar(const YNode& n, const std::string& path) const {
    if (n.kind != YNode::Kind::scalar) {
      fail(n, path + ": expected a scalar value, found " + std::string(kind_name(n)));
    }
    return n.value;
  }

  // A non-empty name-like string.
  std::string text(const YNode& n, const std::string& path) const {
    std::string s = scalar(n, path);
    if (s.empty()) fail(n, path + ": must not be empty");
    return s;
  }

  std::int64_t integer(const YNode& n, const std::string& path, std::int64_t min,
                       std::int64_t max) const {
    std::string s = scalar(n, path);
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (n.quoted || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
      fail(n, path + ": expected an integer from " + std::to_string(min) + " to " +
                  std::to_string(max) + ", found '" + s + "'");
    }
    return v;
  }

  bool boolean(const YNode& n, const std::string& path) const {
    std::string s = scalar(n, path);
    if (!n.quoted && s == "true") return true;
    if (!n.quoted && s == "false") return false;
    fail(n, path + ": expected true or false, found '" + s + "'");
  }

  const std::vector<YNode>& list(const YNode& n, const std::string& path) const {
    if (n.kind != YNode::Kind::seq) {
      fail(n, path + ": expected a list ([a, b]), found " + std::string(kind_name(n)));
    }
    return n.items;
  }

  // A list of distinct strings, each one of `allowed`.
  template <typename Range>
  std::vector<std::string> names(const YNode& n, const std::string& path,
                                 const Range& allowed) const {
    std::vector<std::string> out;
    for (const YNode& item : list(n, path)) {
      std::string s = scalar(item, path);
      if (!contains(allowed, s)) {
        fail(item, path + ": unknown name '" + s + "'; allowed: " + join(allowed));
      }
      if (contains(out, s)) fail(item, path + ": '" + s + "' is listed twice");
      out.push_back(s);
    }
    return out;
  }

 private:
  const std::string& file_;
};

}  // namespace tlsmatrix::yaml
