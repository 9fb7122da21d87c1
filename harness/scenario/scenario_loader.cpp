#include "harness/scenario/scenario_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "harness/io/file_io.h"
#include "harness/io/input_error.h"
#include "harness/io/strict_yaml.h"
#include "harness/io/utf8.h"
#include "harness/net/ip_literal.h"
#include "harness/verdict/profile.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix {

namespace fs = std::filesystem;

namespace {

// The deepest a scenario needs is root > profiles > go > mode (or root > certs > x > san > item);
// anything much deeper is a mistake or an attack on the parser's recursion.
constexpr std::size_t kMaxDepth = 8;

// The catalogue's largest set has 4 certificates. Thousands would cost minutes of key generation
// (RSA-4096 takes about a second each) and deep issuer recursion: refused up front.
constexpr std::size_t kMaxCertsPerScenario = 100;

constexpr std::string_view kKeyUsageNames[] = {"digitalSignature", "nonRepudiation",
                                               "keyEncipherment",  "keyAgreement",
                                               "keyCertSign",      "cRLSign"};
constexpr std::string_view kExtKeyUsageNames[] = {"serverAuth", "clientAuth"};
constexpr std::string_view kDigestNames[] = {"sha1", "sha256", "sha384", "sha512"};

using yaml::contains;
using yaml::join;
using yaml::YEntry;
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

// ---------------------------------------------------------------------------------------------

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  auto ok = [](char c, bool first) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || (!first && (c == '-' || c == '_' || c == '.'));
  };
  if (!ok(s[0], true)) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return ok(c, false); });
}

void check_san(const Reader& r, const YNode& item, const std::string& path,
               const std::string& san) {
  auto colon = san.find(':');
  std::string type = colon == std::string::npos ? "" : san.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : san.substr(colon + 1);
  if ((type != "DNS" && type != "IP" && type != "URI") || value.empty()) {
    r.fail(item, path + ": bad entry '" + san +
                     "'; expected DNS:NAME, IP:ADDRESS or URI:URI (e.g. DNS:localhost)");
  }
  if (type == "IP" && !net::is_ip_literal(value)) {
    r.fail(item, path + ": '" + value + "' is not an IPv4 or IPv6 address");
  }
}

std::chrono::seconds duration(const Reader& r, const YNode& n, const std::string& path) {
  std::string s = r.scalar(n, path);
  auto d = parse_duration(s);
  if (!d) {
    r.fail(n, path + ": bad duration '" + s +
                  "'; expected an offset from now such as -1h, +825d, 0 (units s m h d y)");
  }
  // OpenSSL writes certificate dates only for the years 1900 to 9999 (OPENSSL_gmtime_adj) and
  // would refuse the date when the set is generated, far from this file and line. Seconds, not
  // system_clock's nanoseconds, which overflow past 292 years.
  using namespace std::chrono;
  auto when = time_point_cast<seconds>(system_clock::now()) + *d;
  int year = static_cast<int>(year_month_day(floor<days>(when)).year());
  if (year < 1900 || year > 9999) {
    r.fail(n, path + ": '" + s + "' puts the date in the year " + std::to_string(year) +
                  "; certificate dates run from 1900 to 9999");
  }
  return *d;
}

// The subject attribute at `n`, within X.509's upper bound for it (OpenSSL refuses longer ones).
std::string subject_attribute(const Reader& r, const YNode& n, const std::string& path,
                              std::size_t max_chars) {
  std::string s = r.text(n, path);
  std::size_t chars = io::utf8_length(s);  // the file passed check_utf8
  if (chars > max_chars) {
    r.fail(n, path + ": " + std::to_string(chars) + " characters; X.509 allows at most " +
                  std::to_string(max_chars));
  }
  return s;
}

struct CertEntry {
  CertSpec spec;
  const YNode* issuer_node = nullptr;  // for reference and cycle errors
  const YNode* digest_node = nullptr;  // set when the digest was written out
};

CertEntry parse_cert(const Reader& r, const YNode& key, const YNode& value) {
  std::string path = "certs." + key.value;
  if (!valid_name(key.value)) {
    r.fail(key, "cert name '" + key.value +
                    "' must start with a letter or digit and hold only letters, digits, - _ .");
  }
  const YNode& m = r.map(value, path);
  r.allow_keys(m, path,
               {"issuer", "key", "cn", "o", "ou", "c", "st", "l", "san", "not_before", "not_after",
                "ca", "pathlen", "key_usage", "ext_key_usage", "digest", "serial", "garbage"});
  CertEntry e;
  CertSpec& c = e.spec;
  c.name = key.value;
  for (const auto& [k, v] : m.entries) {
    const std::string& f = k.value;
    std::string fpath = path + "." + f;
    if (f == "issuer") {
      c.issuer = r.text(v, fpath);
      e.issuer_node = &v;
    } else if (f == "key") {
      std::string s = r.scalar(v, fpath);
      auto t = parse_key_type(s);
      if (!t) {
        r.fail(v, fpath + ": unknown key type '" + s + "'; allowed: " + join(key_type_names()));
      }
      c.key_type = *t;
    } else if (f == "cn") {
      c.cn = subject_attribute(r, v, fpath, kMaxNameAttributeChars);
    } else if (f == "o") {
      c.o = subject_attribute(r, v, fpath, kMaxNameAttributeChars);
    } else if (f == "ou") {
      c.ou = subject_attribute(r, v, fpath, kMaxNameAttributeChars);
    } else if (f == "st") {
      c.st = subject_attribute(r, v, fpath, kMaxPlaceAttributeChars);
    } else if (f == "l") {
      c.l = subject_attribute(r, v, fpath, kMaxPlaceAttributeChars);
    } else if (f == "c") {
      c.c = r.text(v, fpath);
      // X.509 countryName is exactly two letters; OpenSSL refuses anything else.
      bool letters = c.c.size() == 2 && std::all_of(c.c.begin(), c.c.end(), [](char ch) {
                       return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
                     });
      if (!letters) {
        r.fail(v, fpath + ": a country is two letters (e.g. CN, DE), found '" + c.c + "'");
      }
    } else if (f == "san") {
      const std::vector<YNode>& items = r.list(v, fpath);
      if (items.size() > kMaxSubjectAltNames) {
        r.fail(v, fpath + ": " + std::to_string(items.size()) + " entries; the limit is " +
                      std::to_string(kMaxSubjectAltNames));
      }
      for (const YNode& item : items) {
        std::string s = r.scalar(item, fpath);
        check_san(r, item, fpath, s);
        c.sans.push_back(s);
      }
    } else if (f == "not_before") {
      c.not_before = duration(r, v, fpath);
    } else if (f == "not_after") {
      c.not_after = duration(r, v, fpath);
    } else if (f == "ca") {
      c.ca = r.boolean(v, fpath);
    } else if (f == "pathlen") {
      c.pathlen = static_cast<int>(r.integer(v, fpath, 0, 16));
    } else if (f == "key_usage") {
      c.key_usage = r.names(v, fpath, kKeyUsageNames);
    } else if (f == "ext_key_usage") {
      c.ext_key_usage = r.names(v, fpath, kExtKeyUsageNames);
    } else if (f == "digest") {
      std::string s = r.scalar(v, fpath);
      if (!contains(kDigestNames, s)) {
        r.fail(v, fpath + ": unknown digest '" + s + "'; allowed: " + join(kDigestNames));
      }
      c.digest = s;
      e.digest_node = &v;
    } else if (f == "serial") {
      c.serial = static_cast<std::uint64_t>(
          r.integer(v, fpath, 1, std::numeric_limits<std::int64_t>::max()));
    } else if (f == "garbage") {
      c.garbage = r.boolean(v, fpath);
    }
  }
  if (c.pathlen && !c.ca) r.fail(*Reader::find(m, "pathlen"), path + ".pathlen: needs ca: true");
  if (c.not_after <= c.not_before) {
    const YNode* n = Reader::find(m, "not_after");
    r.fail(n ? *n : key, path + ": not_after must be later than not_before");
  }
  return e;
}

// Issuers before subjects, otherwise in file order; a cycle or a dangling issuer is an error.
std::vector<CertSpec> order_certs(const Reader& r, std::vector<CertEntry>& entries) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < entries.size(); ++i) index[entries[i].spec.name] = i;
  std::vector<std::string> all_names;
  for (const auto& e : entries) all_names.push_back(e.spec.name);

  for (const auto& e : entries) {
    if (e.spec.issuer.empty()) continue;
    std::string path = "certs." + e.spec.name + ".issuer";
    if (e.spec.issuer == e.spec.name) {
      r.fail(*e.issuer_node, path + ": a cert cannot name itself as issuer; omit issuer for a "
                                    "self-signed certificate");
    }
    if (!index.count(e.spec.issuer)) {
      r.fail(*e.issuer_node, path + ": no cert named '" + e.spec.issuer +
                                 "'; the certs are: " + join(all_names));
    }
    if (entries[index.at(e.spec.issuer)].spec.garbage) {
      r.fail(*e.issuer_node, path + ": '" + e.spec.issuer +
                                 "' is a garbage certificate (garbage: true) and cannot sign");
    }
  }

  enum class State { todo, visiting, done };
  std::vector<State> state(entries.size(), State::todo);
  std::vector<std::size_t> stack;
  std::vector<CertSpec> out;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    if (state[i] == State::done) return;
    if (state[i] == State::visiting) {
      std::string chain;
      auto from = std::find(stack.begin(), stack.end(), i);
      for (auto it = from; it != stack.end(); ++it) chain += entries[*it].spec.name + " -> ";
      chain += entries[i].spec.name;
      const CertEntry& last = entries[stack.back()];
      r.fail(*last.issuer_node, "certs." + last.spec.name + ".issuer: issuer cycle " + chain);
    }
    state[i] = State::visiting;
    stack.push_back(i);
    if (!entries[i].spec.issuer.empty()) visit(index.at(entries[i].spec.issuer));
    stack.pop_back();
    state[i] = State::done;
    out.push_back(entries[i].spec);
  };
  for (std::size_t i = 0; i < entries.size(); ++i) visit(i);

  // Ed25519 signs without a separate digest, so a digest written for such a signer is a mistake.
  for (const auto& e : entries) {
    if (!e.digest_node) continue;
    const CertEntry& signer = e.spec.issuer.empty() ? e : entries[index.at(e.spec.issuer)];
    if (signer.spec.key_type == KeyType::ed25519) {
      r.fail(*e.digest_node, "certs." + e.spec.name + ".digest: the signer '" +
                                 signer.spec.name + "' has an ed25519 key, which takes no digest");
    }
  }
  return out;
}

std::string cert_ref(const Reader& r, const YNode& n, const std::string& path,
                     const std::set<std::string>& certs) {
  std::string s = r.text(n, path);
  if (!certs.count(s)) {
    r.fail(n, path + ": no cert named '" + s + "'; the certs are: " + join(certs));
  }
  return s;
}

std::vector<std::string> cert_refs(const Reader& r, const YNode& n, const std::string& path,
                                   const std::set<std::string>& certs) {
  const std::vector<YNode>& items = r.list(n, path);
  // A chain names certificates of the set, perhaps one twice on purpose; not thousands of times.
  if (items.size() > kMaxCertsPerScenario) {
    r.fail(n, path + ": " + std::to_string(items.size()) + " entries; the limit is " +
                  std::to_string(kMaxCertsPerScenario));
  }
  std::vector<std::string> out;
  for (const YNode& item : items) out.push_back(cert_ref(r, item, path, certs));
  return out;
}

ServerConfig parse_server(const Reader& r, const YNode& n, const std::set<std::string>& certs) {
  const YNode& m = r.map(n, "server");
  r.allow_keys(m, "server", {"cert", "chain", "key", "ca"});
  ServerConfig s;
  s.cert = cert_ref(r, r.require(m, "cert", "server"), "server.cert", certs);
  if (const YNode* v = Reader::find(m, "chain")) s.chain = cert_refs(r, *v, "server.chain", certs);
  const YNode* key = Reader::find(m, "key");
  s.key = key ? cert_ref(r, *key, "server.key", certs) : s.cert;
  if (const YNode* v = Reader::find(m, "ca")) s.ca = cert_ref(r, *v, "server.ca", certs);
  return s;
}

ClientConfig parse_client(const Reader& r, const YNode& n, const std::set<std::string>& certs) {
  const YNode& m = r.map(n, "client");
  r.allow_keys(m, "client",
               {"server_pem_path", "ca_pem_path", "client_pem_path", "client_chain",
                "client_key_path", "server_name", "secure"});
  ClientConfig c;
  for (const auto& [k, v] : m.entries) {
    const std::string& f = k.value;
    std::string path = "client." + f;
    if (f == "server_pem_path") c.server_pem_path = cert_ref(r, v, path, certs);
    if (f == "ca_pem_path") c.ca_pem_path = cert_ref(r, v, path, certs);
    if (f == "client_pem_path") c.client_pem_path = cert_ref(r, v, path, certs);
    if (f == "client_chain") c.client_chain = cert_refs(r, v, path, certs);
    if (f == "client_key_path") c.client_key_path = cert_ref(r, v, path, certs);
    if (f == "server_name") c.server_name = r.text(v, path);
    if (f == "secure") c.secure = r.boolean(v, path);
  }
  if (c.client_pem_path.empty()) {
    if (const YNode* v = Reader::find(m, "client_chain")) {
      r.fail(*v, "client.client_chain: needs client_pem_path (the chain follows the client cert)");
    }
  } else if (c.client_key_path.empty()) {
    c.client_key_path = c.client_pem_path;
  }
  return c;
}

Verdict parse_verdict(const Reader& r, const YNode& n, const std::string& path) {
  std::string s = r.scalar(n, path);
  std::istringstream words(s);
  std::vector<std::string> w;
  for (std::string word; words >> word;) w.push_back(word);
  std::vector<std::string_view> failures;
  for (auto name : expectable_reason_names()) {
    if (name != "ok") failures.push_back(name);
  }
  if (!w.empty() && w[0] == "pass") {
    if (w.size() > 1) r.fail(n, path + ": 'pass' takes no reason, found '" + s + "'");
    return Verdict{Outcome::pass, Reason::ok};
  }
  if (!w.empty() && w[0] == "fail") {
    if (w.size() == 1) r.fail(n, path + ": 'fail' needs a reason: one of " + join(failures));
    if (w.size() > 2) {
      r.fail(n, path + ": expected 'fail REASON' with one reason, found '" + s + "'");
    }
    auto reason = parse_reason(w[1]);
    if (!reason || *reason == Reason::ok) {
      r.fail(n, path + ": unknown failure reason '" + w[1] + "'; allowed: " + join(failures));
    }
    return Verdict{Outcome::fail, *reason};
  }
  r.fail(n, path + ": expected 'pass' or 'fail REASON', found '" + s + "'");
}

std::map<int, Expectation> parse_modes(const Reader& r, const YNode& n, const std::string& path,
                                       const std::string& file, bool require_all) {
  const YNode& m = r.map(n, path);
  std::map<int, Expectation> out;
  for (const auto& [k, v] : m.entries) {
    if (k.quoted || (k.value != "0" && k.value != "1" && k.value != "2")) {
      r.fail(k, path + ": mode must be 0, 1 or 2, found '" + k.value + "'");
    }
    int mode = k.value[0] - '0';
    std::string mpath = path + "." + k.value;
    out[mode] = Expectation{parse_verdict(r, v, mpath),
                            SourcePos{file, v.mark.line + 1, v.mark.column + 1}};
  }
  if (require_all) {
    for (int mode : kModes) {
      if (!out.count(mode)) {
        r.fail(m, path + ": no expectation for mode " + std::to_string(mode) +
                      " (modes 0, 1 and 2 each need 'pass' or 'fail REASON')");
      }
    }
  } else if (out.empty()) {
    r.fail(m, path + ": empty override; give at least one mode or remove it");
  }
  return out;
}

// servers.S: mode keys (0, 1, 2: for every client profile) and client-profile keys (a map of
// modes), mixed in one map.
ServerExpectations parse_server_overrides(const Reader& r, const YNode& n, const std::string& path,
                                          const std::string& file) {
  const YNode& m = r.map(n, path);
  if (m.entries.empty()) r.fail(m, path + ": empty override; give at least one mode or profile, or remove it");
  ServerExpectations out;
  YNode modes = m;
  modes.entries.clear();
  for (const auto& [k, v] : m.entries) {
    if (!k.quoted && (k.value == "0" || k.value == "1" || k.value == "2")) {
      modes.entries.push_back(YEntry{k, v});
    } else if (contains(client_profile_names(), k.value)) {
      out.profiles[k.value] = parse_modes(r, v, path + "." + k.value, file, false);
    } else {
      r.fail(k, path + ": expected a mode (0, 1, 2) or a client profile (" + join(client_profile_names()) +
                    "), found '" + k.value + "'");
    }
  }
  if (!modes.entries.empty()) out.modes = parse_modes(r, modes, path, file, false);
  return out;
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
  if (!valid_name(s.name)) {
    r.fail(name, "name '" + s.name +
                     "' must start with a letter or digit and hold only letters, digits, - _ .");
  }
  const YNode& summary = r.require(root, "summary", "the scenario");
  s.summary = r.text(summary, "summary");
  while (!s.summary.empty() && (s.summary.back() == '\n' || s.summary.back() == ' ')) {
    s.summary.pop_back();
  }
  if (s.summary.find('\n') != std::string::npos) r.fail(summary, "summary: must be one line");

  const YNode& certs = r.map(r.require(root, "certs", "the scenario"), "certs");
  if (certs.entries.empty()) r.fail(certs, "certs: needs at least one certificate");
  if (certs.entries.size() > kMaxCertsPerScenario) {
    r.fail(certs, "certs: " + std::to_string(certs.entries.size()) +
                      " certificates; the limit is " + std::to_string(kMaxCertsPerScenario));
  }
  std::vector<CertEntry> entries;
  std::set<std::string> cert_names;
  for (const auto& [k, v] : certs.entries) {
    entries.push_back(parse_cert(r, k, v));
    cert_names.insert(k.value);
  }
  s.certs = order_certs(r, entries);

  s.server = parse_server(r, r.require(root, "server", "the scenario"), cert_names);
  if (const YNode* client = Reader::find(root, "client")) {
    s.client = parse_client(r, *client, cert_names);
  }
  s.expect = parse_modes(r, r.require(root, "expect", "the scenario"), "expect", file, true);

  if (const YNode* profiles = Reader::find(root, "profiles")) {
    const YNode& m = r.map(*profiles, "profiles");
    for (const auto& [k, v] : m.entries) {
      // Only the profiles the runner has: an override for one that nothing runs would be an
      // expectation that is never checked.
      if (!contains(client_profile_names(), k.value)) {
        r.fail(k, "profiles: unknown client profile '" + k.value +
                      "'; allowed: " + join(client_profile_names()));
      }
      s.profile_expect[k.value] = parse_modes(r, v, "profiles." + k.value, file, false);
    }
  }
  if (const YNode* servers = Reader::find(root, "servers")) {
    const YNode& m = r.map(*servers, "servers");
    for (const auto& [k, v] : m.entries) {
      if (!contains(server_profile_names(), k.value)) {
        r.fail(k, "servers: unknown server profile '" + k.value + "'; allowed: " + join(server_profile_names()));
      }
      s.server_expect[k.value] = parse_server_overrides(r, v, "servers." + k.value, file);
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
    if (ec || !fs::exists(st)) throw InputError(p.string() + ": no such file or folder");
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
      if (entry_ec) throw InputError(f.string() + ": cannot read: " + entry_ec.message());
      // Anything else named *.yaml (a FIFO, a socket, a folder) is not a scenario file.
      if (regular) found.push_back(f);
    }
    if (ec) throw InputError(p.string() + ": cannot list folder: " + ec.message());
    std::sort(found.begin(), found.end());
    for (const auto& f : found) add(f);
  }

  std::vector<Scenario> out;
  std::map<std::string, std::string> names;  // name -> file
  for (const fs::path& f : files) {
    Scenario s = load_scenario(f);
    auto [it, fresh] = names.emplace(s.name, s.file);
    if (!fresh) {
      throw InputError(s.file + ": scenario name '" + s.name + "' is already used by " +
                       it->second + "; names must be unique");
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) {
    std::vector<std::string> shown;
    for (const auto& p : paths) shown.push_back(p.string());
    throw InputError((shown.empty() ? std::string("(no path)") : join(shown)) +
                     ": no scenario files (*.yaml, *.yml) found");
  }
  return out;
}

}  // namespace tlsmatrix
