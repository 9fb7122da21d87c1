#include "harness/scenario/scenario_loader.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>

#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/utf8.h"
#include "harness/scenario/scenario_schema.h"
#include "harness/verdict/profile.h"
#include "harness/verdict/server_profile.h"
#include "harness/yaml/strict_yaml.h"

namespace tlsmatrix::scenario {

namespace fs = std::filesystem;

namespace {

// The deepest a scenario needs is root > profiles > go > mode (or root > certs > x > san > item);
// anything much deeper is a mistake or an attack on the parser's recursion.
constexpr std::size_t kMaxDepth = 8;

using yaml::contains;
using yaml::join;
using yaml::YNode;
using Reader = yaml::YamlReader;

YNode parse_tree(std::string_view text, const std::string& file) {
  return yaml::parse_strict_yaml(
      text, file,
      yaml::StrictYamlRules{"scenario",
                            "expected a scenario (a map with name, summary, certs, server, "
                            "client, expect)",
                            kMaxDepth});
}

// scenarios/expiry/x.yaml -> "expiry"; a file directly in scenarios/ or with no folder -> "".
std::string family_of(const std::string& file) {
  std::string parent = fs::path(file).parent_path().filename().string();
  if (parent == "scenarios" || parent == "." || parent == "..") return "";
  return parent;
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::seconds(0);
  if (text.empty()) return std::nullopt;
  std::int64_t sign = 1;
  if (text[0] == '+' || text[0] == '-') {
    if (text[0] == '-') sign = -1;
    text.remove_prefix(1);
  }
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'y': unit = 365 * 86400; break;
    default: return std::nullopt;
  }
  std::string_view digits = text.substr(0, text.size() - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  // X.509 times end in year 9999; anything near int64 overflow is a typo, not a validity.
  constexpr std::int64_t kMaxSeconds = std::int64_t{10000} * 365 * 86400;
  if (n > kMaxSeconds / unit) return std::nullopt;
  return std::chrono::seconds(sign * n * unit);
}

Scenario parse_scenario(std::string_view yaml, const std::string& file) {
  io::check_utf8(yaml, file);
  YNode root = parse_tree(yaml, file);
  Reader r(file);
  if (root.kind != YNode::Kind::map) {
    r.fail(root, "a scenario file is a map with keys name, summary, certs, server, client, "
                 "expect (and optionally profiles, servers); found " + std::string(Reader::kind_name(root)));
  }
  r.allow_keys(root, "the scenario",
               {"name", "summary", "certs", "server", "client", "expect", "profiles", "servers"});

  Scenario s;
  s.file = file;
  s.family = family_of(file);

  const YNode& name = r.require(root, "name", "the scenario");
  s.name = r.text(name, "name");
  if (!schema::valid_name(s.name)) {
    r.fail(name, "name '" + s.name +
                     "' must start with a letter or digit and hold only letters, digits, - _ .");
  }
  const YNode& summary = r.require(root, "summary", "the scenario");
  s.summary = r.text(summary, "summary");
  while (!s.summary.empty() && (s.summary.back() == '\n' || s.summary.back() == ' ')) {
    s.summary.pop_back();
  }
  if (s.summary.find('\n') != std::string::npos) r.fail(summary, "summary: must be one line");

  schema::Certs certs =
      schema::parse_certs(r, r.map(r.require(root, "certs", "the scenario"), "certs"));
  s.certs = std::move(certs.specs);

  s.server = schema::parse_server(r, r.require(root, "server", "the scenario"), certs.names);
  if (const YNode* client = Reader::find(root, "client")) {
    s.client = schema::parse_client(r, *client, certs.names);
  }
  s.expect = schema::parse_modes(r, r.require(root, "expect", "the scenario"), "expect", file, true);

  if (const YNode* profiles = Reader::find(root, "profiles")) {
    const YNode& m = r.map(*profiles, "profiles");
    for (const auto& [k, v] : m.entries) {
      // Only the profiles the runner has: an override for one that nothing runs would be an
      // expectation that is never checked.
      if (!contains(verdict::client_profile_names(), k.value)) {
        r.fail(k, "profiles: unknown client profile '" + k.value +
                      "'; allowed: " + join(verdict::client_profile_names()));
      }
      s.profile_expect[k.value] = schema::parse_modes(r, v, "profiles." + k.value, file, false);
    }
  }
  if (const YNode* servers = Reader::find(root, "servers")) {
    const YNode& m = r.map(*servers, "servers");
    for (const auto& [k, v] : m.entries) {
      if (!contains(verdict::server_profile_names(), k.value)) {
        r.fail(k, "servers: unknown server profile '" + k.value + "'; allowed: " + join(verdict::server_profile_names()));
      }
      s.server_expect[k.value] = schema::parse_server_overrides(r, v, "servers." + k.value, file);
    }
  }
  return s;
}

Scenario load_scenario(const fs::path& path) {
  return parse_scenario(io::read_file(path), path.string());
}

std::vector<Scenario> load_scenarios(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& p) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(p, ec);
    if (ec) key = p;
    if (seen.insert(key).second) files.push_back(p);
  };
  for (const fs::path& p : paths) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) throw io::InputError(p.string() + ": no such file or folder");
    if (!fs::is_directory(st)) {
      add(p);
      continue;
    }
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const fs::path& f = it->path();
      // The error_code overloads throughout: a symlink loop or a dangling link in the folder
      // must become a message naming it, not an exception from <filesystem>.
      std::error_code entry_ec;
      // Editor backups and hidden folders are not scenarios.
      if (f.filename().string().starts_with(".")) {
        if (it->is_directory(entry_ec)) it.disable_recursion_pending();
        continue;
      }
      auto ext = f.extension();
      if (ext != ".yaml" && ext != ".yml") continue;
      bool regular = it->is_regular_file(entry_ec);
      if (entry_ec) throw io::InputError(f.string() + ": cannot read: " + entry_ec.message());
      // Anything else named *.yaml (a FIFO, a socket, a folder) is not a scenario file.
      if (regular) found.push_back(f);
    }
    if (ec) throw io::InputError(p.string() + ": cannot list folder: " + ec.message());
    std::sort(found.begin(), found.end());
    for (const auto& f : found) add(f);
  }

  std::vector<Scenario> out;
  std::map<std::string, std::string> names;  // name -> file
  for (const fs::path& f : files) {
    Scenario s = load_scenario(f);
    auto [it, fresh] = names.emplace(s.name, s.file);
    if (!fresh) {
      throw io::InputError(s.file + ": scenario name '" + s.name + "' is already used by " +
                       it->second + "; names must be unique");
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) {
    std::vector<std::string> shown;
    for (const auto& p : paths) shown.push_back(p.string());
    throw io::InputError((shown.empty() ? std::string("(no path)") : join(shown)) +
                     ": no scenario files (*.yaml, *.yml) found");
  }
  return out;
}

}  // namespace tlsmatrix::scenario
