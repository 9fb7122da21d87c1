#include "harness/yaml/strict_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <sstream>

namespace tlsmatrix::yaml {

std::string yaml_at(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

io::InputError empty_file_error(const std::string& file, const StrictYamlRules& rules) {
  return io::InputError(file + ":1:1: empty file: " + std::string(rules.empty_file));
}

// ---------------------------------------------------------------------------------------------
// A small YAML tree built from parser events. yaml-cpp's own Node would silently resolve aliases
// (alias bombs, cycles), keep duplicate keys, and give null values no useful position; building
// the tree ourselves lets every one of those be an error with a line number.

namespace {

using Aliases = StrictYamlRules::Aliases;

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, const StrictYamlRules& rules)
      : file_(file), rules_(rules), budget_(rules.max_nodes) {}

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
    keep_anchor(anchor, add(std::move(n)));
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (rules_.aliases == Aliases::refuse) no_aliases(mark);
    auto done = anchored_.find(anchor);
    if (done == anchored_.end()) {
      // The parser knows every anchor it hands out, so this one is still open: the alias is
      // inside the value it names. yaml-cpp would make the tree a cycle; Go's parser refuses it.
      fail(mark, "the alias *" + anchor_name(anchor) +
                     " is inside the value it names (an alias that contains itself)");
    }
    add(YNode(done->second));
  }
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    if (rules_.aliases == Aliases::refuse) no_aliases(mark);
    anchor_names_.push_back(name);  // the parser numbers anchors 1, 2, ... in this order
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    YNode n;
    n.kind = YNode::Kind::scalar;
    n.mark = mark;
    n.value = value;
    n.quoted = tag == "!";  // yaml-cpp tags quoted scalars "!" and plain ones "?"
    keep_anchor(anchor, add(std::move(n)));
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YNode::Kind::seq);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YNode::Kind::map);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YNode* node;
    // Maps only: a key waiting for its value. On the heap, so that a key that is itself a list
    // or map (any_keys) keeps its address while stack_ grows.
    std::unique_ptr<YNode> pending_key;
    YAML::anchor_t anchor = YAML::NullAnchor;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& msg) const {
    throw io::InputError(yaml_at(file_, mark) + ": " + msg);
  }
  void no_aliases(const YAML::Mark& mark) const {
    fail(mark, "YAML anchors and aliases (&name, *name) are not allowed in " + std::string(rules_.what) +
               " files; write each value out");
  }
  void check_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) const {
    if (anchor != YAML::NullAnchor && rules_.aliases == Aliases::refuse) no_aliases(mark);
  }
  void check_tag(const YAML::Mark& mark, const std::string& tag) const {
    if (!rules_.tags_ignored && !tag.empty() && tag != "?" && tag != "!") {
      fail(mark, "YAML tags (" + tag + ") are not allowed in " + std::string(rules_.what) + " files");
    }
  }
  std::string anchor_name(YAML::anchor_t anchor) const {
    return anchor >= 1 && anchor <= anchor_names_.size() ? anchor_names_[anchor - 1] : "?";
  }
  void keep_anchor(YAML::anchor_t anchor, const YNode* placed) {
    if (anchor != YAML::NullAnchor && placed) anchored_[anchor] = *placed;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YNode::Kind kind) {
    check_anchor(mark, anchor);
    check_tag(mark, tag);
    YNode n;
    n.kind = kind;
    n.mark = mark;
    YNode* placed = add(std::move(n));
    // The pointer stays valid: the parent's vector grows only after this container closes.
    stack_.push_back(Frame{placed, nullptr, anchor});
  }
  void close() {
    if (stack_.back().anchor != YAML::NullAnchor) {
      anchored_[stack_.back().anchor] = *stack_.back().node;
    }
    stack_.pop_back();
  }

  // Every node that enters the tree, `n` and (an alias's copy) all below it, in document order:
  // its nesting (`depth`: the root is 0), and the node budget.
  void count(const YNode& n, std::size_t depth) {
    if (rules_.max_nodes != 0) {
      if (budget_ == 0) {
        fail(n.mark, "more than " + std::to_string(rules_.max_nodes) +
                         " YAML nodes once aliases are expanded (an alias bomb?)");
      }
      --budget_;
    }
    // Levels of lists and maps: a container is one more level than the map or list holding it.
    const bool container = n.kind == YNode::Kind::seq || n.kind == YNode::Kind::map;
    if (depth + (container ? 1 : 0) > rules_.max_depth) {
      fail(n.mark, "nested too deeply (more than " + std::to_string(rules_.max_depth) +
                       " levels" + (rules_.aliases == Aliases::expand ? ", counting aliases)" : ")"));
    }
    for (const YNode& item : n.items) count(item, depth + 1);
    for (const auto& [key, value] : n.entries) {
      count(key, depth + 1);
      count(value, depth + 1);
    }
  }

  YNode* add(YNode n) {
    if (stack_.empty()) {
      count(n, 0);
      root = std::move(n);
      return &root;
    }
    Frame& top = stack_.back();
    if (top.node->kind == YNode::Kind::seq) {
      count(n, stack_.size());
      top.node->items.push_back(std::move(n));
      return &top.node->items.back();
    }
    if (!top.pending_key) {
      if (!rules_.any_keys && (n.kind != YNode::Kind::scalar || n.value.empty())) {
        fail(n.mark, "a map key must be a plain, non-empty name");
      }
      for (const auto& [key, value] : top.node->entries) {
        if (n.kind == YNode::Kind::scalar && key.kind == YNode::Kind::scalar &&
            key.value == n.value) {
          fail(n.mark, "duplicate key '" + n.value + "' (first at line " +
                           std::to_string(key.mark.line + 1) + ")");
        }
      }
      count(n, stack_.size());
      top.pending_key = std::make_unique<YNode>(std::move(n));
      return top.pending_key.get();
    }
    count(n, stack_.size());
    // An empty value ("key:") has no position of its own worth reporting: use the key's.
    if (n.kind == YNode::Kind::null) n.mark = top.pending_key->mark;
    top.node->entries.push_back(YEntry{std::move(*top.pending_key), std::move(n)});
    top.pending_key.reset();
    return &top.node->entries.back().value;
  }

  const std::string& file_;
  const StrictYamlRules& rules_;
  std::size_t budget_;
  std::vector<Frame> stack_;
  std::vector<std::string> anchor_names_;
  std::map<YAML::anchor_t, YNode> anchored_;  // complete anchored values, for their aliases
};

}  // namespace

YNode parse_strict_yaml(std::string_view yaml, const std::string& file,
                        const StrictYamlRules& rules) {
  std::istringstream in{std::string(yaml)};
  TreeBuilder builder(file, rules);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      throw empty_file_error(file, rules);
    }
    // A second document throws in OnDocumentStart.
    if (!rules.later_documents_ignored) parser.HandleNextDocument(builder);
  } catch (const YAML::ParserException& e) {
    throw io::InputError(yaml_at(file, e.mark) + ": YAML syntax error: " + e.msg);
  }
  return std::move(builder.root);
}

}  // namespace tlsmatrix::yaml
