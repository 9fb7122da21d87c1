// certs: each certificate's fields, then the issuer references put in signing order.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>

#include "harness/io/utf8.h"
#include "harness/net/ip_literal.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/scenario/scenario_schema.h"

namespace tlsmatrix::scenario::schema {

using yaml::contains;
using yaml::join;

namespace {

constexpr std::string_view kKeyUsageNames[] = {"digitalSignature", "nonRepudiation",
                                               "keyEncipherment",  "keyAgreement",
                                               "keyCertSign",      "cRLSign"};
constexpr std::string_view kDigestNames[] = {"sha1", "sha256", "sha384", "sha512"};

void check_san(const Reader& r, const YNode& item, const std::string& path,
               const std::string& san) {
  auto colon = san.find(':');
  std::string type = colon == std::string::npos ? "" : san.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : san.substr(colon + 1);
  if ((type != "DNS" && type != "IP" && type != "URI" && type != "email") || value.empty()) {
    r.fail(item, path + ": bad entry '" + san +
                     "'; expected DNS:NAME, IP:ADDRESS, URI:URI or email:ADDRESS (e.g. DNS:localhost)");
  }
  // DNS, URI and email are IA5String: ASCII (an IDN is written in its xn-- form).
  if (type != "IP" && !std::all_of(value.begin(), value.end(), [](char ch) {
        return static_cast<unsigned char>(ch) >= 0x20 && static_cast<unsigned char>(ch) < 0x7F;
      })) {
    r.fail(item, path + ": '" + san + "' is not printable ASCII; " + type +
                     " names are IA5String (write an IDN as xn--...)");
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
  certs::CertSpec spec;
  const YNode* issuer_node = nullptr;  // for reference and cycle errors
  const YNode* digest_node = nullptr;  // set when the digest was written out
  const YNode* key_of_node = nullptr;
  const YNode* key_node = nullptr;
};

// cn: one value, or a list (several CN attributes, in order).
void parse_cns(const Reader& r, const YNode& v, const std::string& path, certs::CertSpec& c) {
  if (v.kind != YNode::Kind::seq) {
    c.cn = subject_attribute(r, v, path, certs::kMaxNameAttributeChars);
    return;
  }
  const std::vector<YNode>& items = r.list(v, path);
  if (items.empty()) r.fail(v, path + ": an empty list; omit cn for a subject without one");
  if (items.size() > 10) r.fail(v, path + ": " + std::to_string(items.size()) + " CNs; the limit is 10");
  for (const YNode& item : items) {
    std::string one = subject_attribute(r, item, path, certs::kMaxNameAttributeChars);
    if (c.cn.empty()) {
      c.cn = one;
    } else {
      c.more_cns.push_back(one);
    }
  }
}

CertEntry parse_cert(const Reader& r, const YNode& key, const YNode& value) {
  std::string path = "certs." + key.value;
  if (!valid_name(key.value)) {
    r.fail(key, "cert name '" + key.value +
                    "' must start with a letter or digit and hold only letters, digits, - _ .");
  }
  const YNode& m = r.map(value, path);
  r.allow_keys(m, path,
               {"issuer", "key", "cn", "o", "ou", "c", "st", "l", "san", "not_before", "not_after",
                "ca", "pathlen", "key_usage", "ext_key_usage", "digest", "serial", "garbage",
                "key_of", "basic_constraints", "critical", "name_constraints", "extensions", "ski",
                "aki"});
  CertEntry e;
  certs::CertSpec& c = e.spec;
  c.name = key.value;
  for (const auto& [k, v] : m.entries) {
    const std::string& f = k.value;
    std::string fpath = path + "." + f;
    if (f == "issuer") {
      c.issuer = r.text(v, fpath);
      e.issuer_node = &v;
    } else if (f == "key") {
      std::string s = r.scalar(v, fpath);
      auto t = certs::parse_key_type(s);
      if (!t) {
        r.fail(v, fpath + ": unknown key type '" + s + "'; allowed: " + join(certs::key_type_names()));
      }
      c.key_type = *t;
      e.key_node = &v;
    } else if (f == "key_of") {
      c.key_of = r.text(v, fpath);
      e.key_of_node = &v;
    } else if (f == "cn") {
      parse_cns(r, v, fpath, c);
    } else if (f == "o") {
      c.o = subject_attribute(r, v, fpath, certs::kMaxNameAttributeChars);
    } else if (f == "ou") {
      c.ou = subject_attribute(r, v, fpath, certs::kMaxNameAttributeChars);
    } else if (f == "st") {
      c.st = subject_attribute(r, v, fpath, certs::kMaxPlaceAttributeChars);
    } else if (f == "l") {
      c.l = subject_attribute(r, v, fpath, certs::kMaxPlaceAttributeChars);
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
      if (items.size() > certs::kMaxSubjectAltNames) {
        r.fail(v, fpath + ": " + std::to_string(items.size()) + " entries; the limit is " +
                      std::to_string(certs::kMaxSubjectAltNames));
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
      c.ext_key_usage = parse_ext_key_usage(r, v, fpath);
    } else if (f == "basic_constraints") {
      c.basic_constraints = r.boolean(v, fpath);
    } else if (f == "critical") {
      parse_critical(r, v, fpath, c);
    } else if (f == "name_constraints") {
      parse_name_constraints(r, v, fpath, c);
    } else if (f == "extensions") {
      parse_raw_extensions(r, v, fpath, c);
    } else if (f == "ski" || f == "aki") {
      (f == "ski" ? c.subject_key_id : c.authority_key_id) = parse_key_id(r, v, fpath, f == "aki");
    } else if (f == "digest") {
      std::string s = r.scalar(v, fpath);
      if (!contains(kDigestNames, s)) {
        r.fail(v, fpath + ": unknown digest '" + s + "'; allowed: " + join(kDigestNames));
      }
      c.digest = s;
      e.digest_node = &v;
    } else if (f == "serial") {
      parse_serial(r, v, fpath, c);
    } else if (f == "garbage") {
      c.garbage = r.boolean(v, fpath);
    }
  }
  if (c.pathlen && !c.ca) r.fail(*Reader::find(m, "pathlen"), path + ".pathlen: needs ca: true");
  check_extension_keys(r, m, path, c);
  if (c.not_after <= c.not_before) {
    const YNode* n = Reader::find(m, "not_after");
    r.fail(n ? *n : key, path + ": not_after must be later than not_before");
  }
  return e;
}

// Issuers before subjects, otherwise in file order; a cycle or a dangling issuer is an error.
std::vector<certs::CertSpec> order_certs(const Reader& r, std::vector<CertEntry>& entries) {
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

  std::vector<KeyOfRef> key_refs;
  for (auto& e : entries) key_refs.push_back(KeyOfRef{&e.spec, e.key_of_node, e.key_node});
  resolve_key_of(r, key_refs);

  enum class State { todo, visiting, done };
  std::vector<State> state(entries.size(), State::todo);
  std::vector<std::size_t> stack;
  std::vector<certs::CertSpec> out;
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
    if (signer.spec.key_type == certs::KeyType::ed25519) {
      r.fail(*e.digest_node, "certs." + e.spec.name + ".digest: the signer '" +
                                 signer.spec.name + "' has an ed25519 key, which takes no digest");
    }
  }
  return out;
}

}  // namespace

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  auto ok = [](char c, bool first) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || (!first && (c == '-' || c == '_' || c == '.'));
  };
  if (!ok(s[0], true)) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return ok(c, false); });
}

Certs parse_certs(const Reader& r, const YNode& certs) {
  if (certs.entries.empty()) r.fail(certs, "certs: needs at least one certificate");
  if (certs.entries.size() > kMaxCertsPerScenario) {
    r.fail(certs, "certs: " + std::to_string(certs.entries.size()) +
                      " certificates; the limit is " + std::to_string(kMaxCertsPerScenario));
  }
  std::vector<CertEntry> entries;
  Certs out;
  for (const auto& [k, v] : certs.entries) {
    entries.push_back(parse_cert(r, k, v));
    out.names.insert(k.value);
  }
  out.specs = order_certs(r, entries);
  return out;
}

}  // namespace tlsmatrix::scenario::schema
