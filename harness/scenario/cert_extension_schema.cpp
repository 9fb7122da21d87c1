// certs.NAME's extension keys (ext_key_usage, critical, name_constraints, extensions, ski, aki),
// serial forms and key_of. Each value OpenSSL cannot write, or would write as something else
// (a second copy of an extension the generator writes, an empty nameConstraints), is refused
// here with its line rather than when the set is generated.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>

#include "harness/net/ip_literal.h"
#include "harness/scenario/scenario_schema.h"

namespace tlsmatrix::scenario::schema {

using yaml::contains;
using yaml::join;

namespace {

// OpenSSL's short names for extendedKeyUsage purposes; a dotted OID is allowed beside them.
constexpr std::string_view kExtKeyUsageNames[] = {"serverAuth",      "clientAuth",   "codeSigning",
                                                  "emailProtection", "timeStamping", "OCSPSigning",
                                                  "anyExtendedKeyUsage"};

// The OIDs the generator writes itself (basicConstraints, keyUsage, extendedKeyUsage,
// subjectAltName, nameConstraints, SKI, AKI): a raw extension with one of them would be a
// duplicate extension, which OpenSSL's verifier refuses before it looks at anything else.
constexpr std::string_view kGeneratedExtensionOids[] = {"2.5.29.19", "2.5.29.15", "2.5.29.37",
                                                        "2.5.29.17", "2.5.29.30", "2.5.29.14",
                                                        "2.5.29.35"};

// A serial given in hex may be long (RFC 5280 allows 20 octets; longer is a test case), not
// unbounded.
constexpr std::size_t kMaxSerialBytes = 64;
constexpr std::size_t kMaxRawExtensions = 20;

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// "1.3.6.1.4.1.55555.1": at least two arcs, the first 0-2, digits only.
bool dotted_oid(std::string_view s) {
  if (s.size() < 3 || s.size() > 100 || !(s[0] >= '0' && s[0] <= '2') || s[1] != '.') return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t dot = s.find('.', start);
    std::string_view arc = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!digits(arc)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
  return false;
}

// DNS:NAME, or IP:ADDRESS/PREFIX with the prefix within the address's size.
bool constraint_entry(const std::string& s) {
  if (s.rfind("DNS:", 0) == 0) return s.size() > 4;
  if (s.rfind("IP:", 0) != 0) return false;
  auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  std::string addr = s.substr(3, slash - 3);
  std::string bits = s.substr(slash + 1);
  if (!digits(bits) || bits.size() > 3 || !net::is_ip_literal(addr)) return false;
  bool v6 = addr.find(':') != std::string::npos;
  return std::stoi(bits) <= (v6 ? 128 : 32);
}

std::vector<std::string> constraint_names(const Reader& r, const YNode& n, const std::string& path) {
  std::vector<std::string> out;
  for (const YNode& item : r.list(n, path)) {
    std::string s = r.scalar(item, path);
    if (!constraint_entry(s)) {
      r.fail(item, path + ": bad entry '" + s +
                       "'; expected DNS:NAME or IP:ADDRESS/PREFIX (e.g. IP:10.0.0.0/8, IP:fd00::/8)");
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

std::vector<std::string> parse_ext_key_usage(const Reader& r, const YNode& n, const std::string& path) {
  std::vector<std::string> out;
  for (const YNode& item : r.list(n, path)) {
    std::string s = r.scalar(item, path);
    if (!contains(kExtKeyUsageNames, s) && !dotted_oid(s)) {
      r.fail(item, path + ": unknown name '" + s + "'; allowed: " + join(kExtKeyUsageNames) +
                       ", or a dotted OID (1.3.6.1.4.1.N...)");
    }
    if (contains(out, s)) r.fail(item, path + ": '" + s + "' is listed twice");
    out.push_back(s);
  }
  return out;
}

void parse_critical(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c) {
  const YNode& m = r.map(n, path);
  r.allow_keys(m, path, {"basic_constraints", "key_usage", "ext_key_usage", "san", "name_constraints"});
  for (const auto& [k, v] : m.entries) {
    bool on = r.boolean(v, path + "." + k.value);
    if (k.value == "basic_constraints") c.basic_constraints_critical = on;
    if (k.value == "key_usage") c.key_usage_critical = on;
    if (k.value == "ext_key_usage") c.ext_key_usage_critical = on;
    if (k.value == "san") c.san_critical = on;
    if (k.value == "name_constraints") {
      if (!c.name_constraints) c.name_constraints = certs::NameConstraints{};
      c.name_constraints->critical = on;
    }
  }
}

void parse_name_constraints(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c) {
  const YNode& m = r.map(n, path);
  r.allow_keys(m, path, {"permitted", "excluded"});
  // `critical:` may come first in the file; keep what it said.
  bool critical = c.name_constraints ? c.name_constraints->critical : true;
  c.name_constraints = certs::NameConstraints{};
  c.name_constraints->critical = critical;
  if (const YNode* p = Reader::find(m, "permitted")) {
    c.name_constraints->permitted = constraint_names(r, *p, path + ".permitted");
  }
  if (const YNode* x = Reader::find(m, "excluded")) {
    c.name_constraints->excluded = constraint_names(r, *x, path + ".excluded");
  }
  // RFC 5280 forbids an empty nameConstraints, and OpenSSL's writer has nothing to write.
  if (c.name_constraints->permitted.empty() && c.name_constraints->excluded.empty()) {
    r.fail(m, path + ": both lists are empty; give at least one DNS: or IP: entry");
  }
}

void parse_raw_extensions(const Reader& r, const YNode& n, const std::string& path, certs::CertSpec& c) {
  const std::vector<YNode>& items = r.list(n, path);
  if (items.size() > kMaxRawExtensions) {
    r.fail(n, path + ": " + std::to_string(items.size()) + " entries; the limit is " +
                  std::to_string(kMaxRawExtensions));
  }
  for (const YNode& item : items) {
    const YNode& m = r.map(item, path);
    r.allow_keys(m, path, {"oid", "critical"});
    certs::RawExtension ext;
    const YNode& oid = r.require(m, "oid", path);
    ext.oid = r.text(oid, path + ".oid");
    if (!dotted_oid(ext.oid)) {
      r.fail(oid, path + ".oid: '" + ext.oid + "' is not a dotted OID (e.g. 1.3.6.1.4.1.55555.1)");
    }
    if (contains(kGeneratedExtensionOids, ext.oid)) {
      r.fail(oid, path + ".oid: " + ext.oid +
                      " is an extension the generator writes itself (a second copy would be a "
                      "duplicate extension); use its own key (critical:, key_usage:, ...)");
    }
    for (const auto& other : c.extra_extensions) {
      if (other.oid == ext.oid) r.fail(oid, path + ".oid: " + ext.oid + " is listed twice");
    }
    if (const YNode* crit = Reader::find(m, "critical")) ext.critical = r.boolean(*crit, path + ".critical");
    c.extra_extensions.push_back(ext);
  }
}

certs::KeyIdForm parse_key_id(const Reader& r, const YNode& n, const std::string& path, bool allow_mismatched) {
  std::string form = r.scalar(n, path);
  if (form == "present") return certs::KeyIdForm::present;
  if (form == "absent") return certs::KeyIdForm::absent;
  if (allow_mismatched && form == "mismatched") return certs::KeyIdForm::mismatched;
  r.fail(n, path + ": expected present" + std::string(allow_mismatched ? ", absent or mismatched" : " or absent") +
                ", found '" + form + "'");
}

void parse_serial(const Reader& r, const YNode& v, const std::string& path, certs::CertSpec& c) {
  std::string s = r.scalar(v, path);
  if (!v.quoted && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    std::string hex = s.substr(2);
    bool ok = std::all_of(hex.begin(), hex.end(),
                          [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
    if (!ok || hex.size() > 2 * kMaxSerialBytes) {
      r.fail(v, path + ": expected hex digits after 0x (at most " + std::to_string(kMaxSerialBytes) +
                    " bytes), found '" + s + "'");
    }
    if (hex.size() % 2 != 0) hex = "0" + hex;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      c.serial_bytes.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return;
  }
  // Zero is allowed: RFC 5280 forbids it, and a scenario may want to see who minds.
  c.serial = static_cast<std::uint64_t>(r.integer(v, path, 0, std::numeric_limits<std::int64_t>::max()));
}

void check_extension_keys(const Reader& r, const YNode& m, const std::string& path, const certs::CertSpec& c) {
  if (!c.basic_constraints && c.ca) {
    r.fail(*Reader::find(m, "basic_constraints"),
           path + ".basic_constraints: false leaves out the extension that says ca: true; a CA "
                  "without basicConstraints cannot be written");
  }
  const YNode* crit = Reader::find(m, "critical");
  if (crit == nullptr) return;
  auto said = [&](std::string_view key) { return Reader::find(*crit, key) != nullptr; };
  if (said("basic_constraints") && !c.basic_constraints) {
    r.fail(*crit, path + ".critical.basic_constraints: there is no basicConstraints extension "
                         "(basic_constraints: false)");
  }
  if (said("name_constraints") && Reader::find(m, "name_constraints") == nullptr) {
    r.fail(*crit, path + ".critical.name_constraints: needs name_constraints");
  }
  if (said("ext_key_usage") && c.ext_key_usage.empty()) {
    r.fail(*crit, path + ".critical.ext_key_usage: there is no extendedKeyUsage (ext_key_usage is empty)");
  }
  if (said("san") && c.sans.empty()) {
    r.fail(*crit, path + ".critical.san: there is no subjectAltName (san is empty)");
  }
  if (said("key_usage") && c.key_usage && c.key_usage->empty()) {
    r.fail(*crit, path + ".critical.key_usage: there is no keyUsage (key_usage: [])");
  }
}

void resolve_key_of(const Reader& r, std::vector<KeyOfRef>& refs) {
  std::map<std::string, std::size_t> index;
  std::vector<std::string> all_names;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    index[refs[i].spec->name] = i;
    all_names.push_back(refs[i].spec->name);
  }
  for (auto& ref : refs) {
    certs::CertSpec& spec = *ref.spec;
    if (spec.key_of.empty()) continue;
    std::string path = "certs." + spec.name + ".key_of";
    if (spec.key_of == spec.name) r.fail(*ref.key_of_node, path + ": a cert cannot share its own key");
    if (!index.count(spec.key_of)) {
      r.fail(*ref.key_of_node, path + ": no cert named '" + spec.key_of + "'; the certs are: " + join(all_names));
    }
    const certs::CertSpec* at = &spec;
    for (std::size_t hops = 0; !at->key_of.empty(); ++hops) {
      if (hops > refs.size()) r.fail(*ref.key_of_node, path + ": key_of loops back to '" + spec.name + "'");
      at = refs[index.at(at->key_of)].spec;
    }
    if (ref.key_node != nullptr && at->key_type != spec.key_type) {
      r.fail(*ref.key_node, "certs." + spec.name + ".key: " + std::string(to_string(spec.key_type)) +
                                ", but key_of: " + spec.key_of + " shares a " +
                                std::string(to_string(at->key_type)) + " key; drop key");
    }
  }
  // Types only once every reference is known good (a chain a -> b -> c takes c's).
  for (auto& ref : refs) {
    const certs::CertSpec* at = ref.spec;
    while (!at->key_of.empty()) at = refs[index.at(at->key_of)].spec;
    ref.spec->key_type = at->key_type;
  }
}

}  // namespace tlsmatrix::scenario::schema
