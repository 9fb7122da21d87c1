#include "harness/yaml/strict_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <sstream>

namespace tlsmatrix::yaml {

std::string yaml_at(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// ---------------------------------------------------------------------------------------------
// A small YAML tree built from parser events. yaml-cpp's own Node would silently resolve aliases
// (alias bombs), keep duplicate keys, and give null values no useful position; building the tree
// ourselves lets every one of those be an error with a line number.

namespace {

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, const StrictYamlRules& rules) : file_(file), rules_(rules) {}

  YNode root;
  int documents = 0;

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents > 0) fail(mark, "a second YAML document; a file holds exactly one " + std::string(rules_.what));
    ++documents;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_anchor(mark, anchor);
    YNode n;
    n.mark = mark;
    add(std::move(n));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { no_aliases(mark); }
  void OnAnchor(const YAML::Mark& mark, const std::string&) override { no_aliases(mark); }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    YNode n;
    n.kind = YNode::Kind::scalar;
    n.mark = mark;
    n.value = value;
    n.quoted = tag == "!";  // yaml-cpp tags quoted scalars "!" and plain ones "?"
    add(std::move(n));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YNode::Kind::seq);
  }
  void OnSequenceEnd() override { stack_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YNode::Kind::map);
  }
  void OnMapEnd() override { stack_.pop_back(); }

 private:
  struct Frame {
    YNode* node;
    std::optional<YNode> pending_key;  // maps only: a key waiting for its value
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& msg) const {
    throw InputError(yaml_at(file_, mark) + ": " + msg);
  }
  void no_aliases(const YAML::Mark& mark) const {
    fail(mark, "YAML anchors and aliases (&name, *name) are not allowed in " + std::string(rules_.what) +
               " files; write each value out");
  }
  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) const {
    if (anchor != YAML::NullAnchor) no_aliases(mark);
  }
  void check_tag(const YAML::Mark& mark, const std::string& tag) const {
    if (!tag.empty() && tag != "?" && tag != "!") {
      fail(mark, "YAML tags (" + tag + ") are not allowed in " + std::string(rules_.what) + " files");
    }
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YNode::Kind kind) {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    if (stack_.size() >= rules_.max_depth) {
      fail(mark, "nested too deeply (more than " + std::to_string(rules_.max_depth) + " levels)");
    }
    YNode n;
    n.kind = kind;
    n.mark = mark;
    YNode* placed = add(std::move(n));
    // The pointer stays valid: the parent's vector grows only after this container closes.
    stack_.push_back(Frame{placed, std::nullopt});
  }

  YNode* add(YNode n) {
    if (stack_.empty()) {
      root = std::move(n);
      return &root;
    }
    Frame& top = stack_.back();
    if (top.node->kind == YNode::Kind::seq) {
      top.node->items.push_back(std::move(n));
      return &top.node->items.back();
    }
    if (!top.pending_key) {
      if (n.kind != YNode::Kind::scalar || n.value.empty()) {
        fail(n.mark, "a map key must be a plain, non-empty name");
      }
      for (const auto& [key, value] : top.node->entries) {
        if (key.value == n.value) {
          fail(n.mark, "duplicate key '" + n.value + "' (first at line " +
                           std::to_string(key.mark.line + 1) + ")");
        }
      }
      top.pending_key = std::move(n);
      return nullptr;
    }
    // An empty value ("key:") has no position of its own worth reporting: use the key's.
    if (n.kind == YNode::Kind::null) n.mark = top.pending_key->mark;
    top.node->entries.push_back(YEntry{std::move(*top.pending_key), std::move(n)});
    top.pending_key.reset();
    return &top.node->entries.back().value;
  }

  const std::string& file_;
  const StrictYamlRules& rules_;
  std::vector<Frame> stack_;
};

}  // namespace

YNode parse_strict_yaml(std::string_view yaml, const std::string& file,
                        const StrictYamlRules& rules) {
  std::istringstream in{std::string(yaml)};
  TreeBuilder builder(file, rules);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      throw InputError(file + ":1:1: empty file: " + std::string(rules.empty_file));
    }
    parser.HandleNextDocument(builder);  // a second document throws in OnDocumentStart
  } catch (const YAML::ParserException& e) {
    throw InputError(yaml_at(file, e.mark) + ": YAML syntax error: " + e.msg);
  }
  return std::move(builder.root);
}

}  // namespace tlsmatrix::yaml
