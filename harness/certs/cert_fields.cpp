#include "harness/certs/cert_fields.h"

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace tlsmatrix::certs {

namespace {

ossl::GeneralNamePtr make_general_name(const std::string& entry, const std::string& cert_name) {
  auto colon = entry.find(':');
  std::string kind = colon == std::string::npos ? "" : entry.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : entry.substr(colon + 1);
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("certificate '" + cert_name + "': subjectAltName '" + entry +
                                 "': " + why);
  };
  if (value.empty()) throw bad("expected DNS:NAME, IP:ADDRESS, URI:URI or email:ADDRESS");
  ossl::GeneralNamePtr gen(GENERAL_NAME_new());
  ossl::check(gen != nullptr, "allocating a subjectAltName entry");
  if (kind == "IP") {
    // a2i_IPADDRESS takes both IPv4 and IPv6 text forms.
    ossl::Asn1OctetStringPtr ip(a2i_IPADDRESS(value.c_str()));
    if (!ip) {
      ossl::drain_errors();
      throw bad("not an IPv4 or IPv6 address");
    }
    GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, ip.release());  // gen owns it now
    return gen;
  }
  int type = kind == "DNS" ? GEN_DNS : kind == "URI" ? GEN_URI : kind == "email" ? GEN_EMAIL : -1;
  if (type < 0) throw bad("expected DNS:NAME, IP:ADDRESS, URI:URI or email:ADDRESS");
  ossl::Asn1Ia5StringPtr text(ASN1_IA5STRING_new());
  if (!text || ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1) {
    throw ossl::Error("certificate '" + cert_name + "': encoding subjectAltName " + entry);
  }
  GENERAL_NAME_set0_value(gen.get(), type, text.release());  // gen owns it now
  return gen;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

// keyUsage and extendedKeyUsage go through OpenSSL's own config parser so that the names are
// exactly the ones `openssl x509 -extfile` accepts.
void add_conf_ext(X509* x, int nid, const std::string& value, const std::string& cert_name) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, nullptr, x, nullptr, nullptr, 0);
  ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext) {
    std::string queue = ossl::drain_errors();
    throw std::invalid_argument("certificate '" + cert_name + "': bad " + OBJ_nid2ln(nid) + " '" +
                                value + "'" + (queue.empty() ? "" : ": " + queue));
  }
  ossl::check(X509_add_ext(x, ext.get(), -1) == 1,
              "certificate '" + cert_name + "': adding " + OBJ_nid2ln(nid));
}

// "DNS:example.com" -> "DNS:example.com"; "IP:10.0.0.0/8" -> "IP:10.0.0.0/255.0.0.0", the form
// OpenSSL's config parser takes (address/mask).
std::string name_constraint_conf(const std::string& entry, const std::string& cert_name) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("certificate '" + cert_name + "': name constraint '" + entry +
                                 "': " + why);
  };
  if (entry.rfind("DNS:", 0) == 0 && entry.size() > 4) return entry;
  if (entry.rfind("IP:", 0) != 0) throw bad("expected DNS:NAME or IP:ADDRESS/PREFIX");
  std::string rest = entry.substr(3);
  auto slash = rest.find('/');
  if (slash == std::string::npos) throw bad("an IP constraint needs a prefix length (/N)");
  std::string addr = rest.substr(0, slash);
  std::string bits = rest.substr(slash + 1);
  bool v6 = addr.find(':') != std::string::npos;
  int max = v6 ? 128 : 32;
  int n = -1;
  if (!bits.empty() && bits.size() <= 3 &&
      std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    n = std::stoi(bits);
  }
  if (n < 0 || n > max) throw bad("prefix length must be 0-" + std::to_string(max));
  unsigned char mask[16] = {};
  for (int i = 0; i < n; ++i) mask[i / 8] |= static_cast<unsigned char>(0x80 >> (i % 8));
  std::string mask_text;
  if (v6) {
    char buf[8];
    for (int i = 0; i < 16; i += 2) {
      std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", (mask[i] << 8) | mask[i + 1]);
      mask_text += buf;
    }
  } else {
    for (int i = 0; i < 4; ++i) mask_text += (i ? "." : "") + std::to_string(mask[i]);
  }
  return "IP:" + addr + "/" + mask_text;
}

}  // namespace

ossl::X509NamePtr make_subject(const CertSpec& spec) {
  ossl::X509NamePtr name(X509_NAME_new());
  ossl::check(name != nullptr, "allocating a subject name");
  // Conventional order, most general first, as `openssl req` writes it.
  const std::pair<const char*, const std::string*> fields[] = {
      {"C", &spec.c}, {"ST", &spec.st}, {"L", &spec.l},
      {"O", &spec.o}, {"OU", &spec.ou}, {"CN", &spec.cn},
  };
  for (const auto& [field, value] : fields) {
    if (value->empty()) continue;
    ossl::check(X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                           reinterpret_cast<const unsigned char*>(value->data()),
                                           static_cast<int>(value->size()), -1, 0) == 1,
                "certificate '" + spec.name + "': setting subject " + field + "=" + *value);
  }
  for (const auto& cn : spec.more_cns) {
    ossl::check(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                           reinterpret_cast<const unsigned char*>(cn.data()),
                                           static_cast<int>(cn.size()), -1, 0) == 1,
                "certificate '" + spec.name + "': setting subject CN=" + cn);
  }
  return name;
}

void add_san(X509* x, const CertSpec& spec) {
  if (spec.sans.empty()) return;
  ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
  ossl::check(names != nullptr, "allocating subjectAltName");
  for (const auto& entry : spec.sans) {
    ossl::GeneralNamePtr gen = make_general_name(entry, spec.name);
    if (sk_GENERAL_NAME_push(names.get(), gen.get()) <= 0) {
      throw ossl::Error("certificate '" + spec.name + "': adding subjectAltName " + entry);
    }
    gen.release();  // names owns it now
  }
  // By default critical only when the subject is empty (RFC 5280 4.2.1.6); otherwise not.
  int critical = spec.san_critical ? (*spec.san_critical ? 1 : 0)
                                   : X509_NAME_entry_count(X509_get_subject_name(x)) == 0 ? 1 : 0;
  ossl::check(X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), critical, X509V3_ADD_DEFAULT) == 1,
              "certificate '" + spec.name + "': adding subjectAltName");
}

void add_basic_constraints(X509* x, const CertSpec& spec) {
  if (!spec.basic_constraints) {
    if (spec.ca || spec.pathlen) {
      throw std::invalid_argument("certificate '" + spec.name +
                                  "': ca/pathlen need the basicConstraints extension");
    }
    return;
  }
  ossl::BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
  ossl::check(bc != nullptr, "allocating basicConstraints");
  bc->ca = spec.ca ? 0xFF : 0;
  if (spec.ca && spec.pathlen) {
    if (*spec.pathlen < 0) {
      throw std::invalid_argument("certificate '" + spec.name + "': negative pathlen");
    }
    bc->pathlen = ASN1_INTEGER_new();
    ossl::check(bc->pathlen != nullptr && ASN1_INTEGER_set(bc->pathlen, *spec.pathlen) == 1,
                "setting pathlen");
  }
  ossl::check(X509_add1_ext_i2d(x, NID_basic_constraints, bc.get(),
                                spec.basic_constraints_critical ? 1 : 0, X509V3_ADD_DEFAULT) == 1,
              "certificate '" + spec.name + "': adding basicConstraints");
}

void add_key_usages(X509* x, const CertSpec& spec) {
  std::vector<std::string> ku = spec.key_usage.value_or(
      spec.ca ? std::vector<std::string>{"keyCertSign", "cRLSign"}
              : std::vector<std::string>{"digitalSignature", "keyEncipherment"});
  if (!ku.empty()) {
    add_conf_ext(x, NID_key_usage, (spec.key_usage_critical ? "critical," : "") + join(ku), spec.name);
  }
  if (!spec.ext_key_usage.empty()) {
    add_conf_ext(x, NID_ext_key_usage,
                 (spec.ext_key_usage_critical ? "critical," : "") + join(spec.ext_key_usage), spec.name);
  }
}

void add_name_constraints(X509* x, const CertSpec& spec) {
  if (!spec.name_constraints) return;
  const NameConstraints& nc = *spec.name_constraints;
  std::string conf = nc.critical ? "critical" : "";
  auto add = [&](const char* kind, const std::vector<std::string>& entries) {
    for (const auto& e : entries) {
      conf += (conf.empty() ? "" : ",") + std::string(kind) + ";" + name_constraint_conf(e, spec.name);
    }
  };
  add("permitted", nc.permitted);
  add("excluded", nc.excluded);
  add_conf_ext(x, NID_name_constraints, conf, spec.name);
}

// An extension by OID whose value is DER NULL: what matters is only whether a verifier knows it.
void add_raw_extensions(X509* x, const CertSpec& spec) {
  static const unsigned char kDerNull[] = {0x05, 0x00};
  for (const auto& raw : spec.extra_extensions) {
    ossl::Asn1ObjectPtr obj(OBJ_txt2obj(raw.oid.c_str(), 1));
    if (!obj) {
      ossl::drain_errors();
      throw std::invalid_argument("certificate '" + spec.name + "': extension OID '" + raw.oid +
                                  "' is not a dotted OID");
    }
    ossl::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    ossl::check(value && ASN1_OCTET_STRING_set(value.get(), kDerNull, sizeof kDerNull) == 1,
                "building extension " + raw.oid);
    ossl::X509ExtensionPtr ext(
        X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), raw.critical ? 1 : 0, value.get()));
    ossl::check(ext != nullptr && X509_add_ext(x, ext.get(), -1) == 1,
                "certificate '" + spec.name + "': adding extension " + raw.oid);
  }
}

// subjectKeyIdentifier is the SHA-1 of the public key bits (RFC 5280 4.2.1.2 method 1, what
// OpenSSL's "hash" computes); authorityKeyIdentifier repeats the issuer's (the issuer's key hash
// when the issuer carries no SKI), or for `mismatched` that value with every bit flipped.
void add_key_identifiers(X509* x, const X509* issuer, const CertSpec& spec) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ossl::check(X509_pubkey_digest(x, EVP_sha1(), md, &len) == 1, "hashing the public key");
  ossl::Asn1OctetStringPtr ski(ASN1_OCTET_STRING_new());
  ossl::check(ski && ASN1_OCTET_STRING_set(ski.get(), md, static_cast<int>(len)) == 1,
              "building subjectKeyIdentifier");
  if (spec.subject_key_id != KeyIdForm::absent) {
    ossl::check(X509_add1_ext_i2d(x, NID_subject_key_identifier, ski.get(), 0, X509V3_ADD_DEFAULT) == 1,
                "adding subjectKeyIdentifier");
  }
  if (spec.authority_key_id == KeyIdForm::absent) return;

  ossl::Asn1OctetStringPtr keyid;
  const ASN1_OCTET_STRING* issuer_ski =
      issuer == nullptr ? nullptr : X509_get0_subject_key_id(const_cast<X509*>(issuer));
  if (issuer == nullptr) {
    keyid.reset(ASN1_OCTET_STRING_dup(ski.get()));
  } else if (issuer_ski != nullptr) {
    keyid.reset(ASN1_OCTET_STRING_dup(issuer_ski));
  } else {
    // The issuer has no SKI: its key's hash, as RFC 5280 4.2.1.2 method 1 would have made it.
    unsigned char imd[EVP_MAX_MD_SIZE];
    unsigned int ilen = 0;
    ossl::check(X509_pubkey_digest(issuer, EVP_sha1(), imd, &ilen) == 1, "hashing the issuer's key");
    keyid.reset(ASN1_OCTET_STRING_new());
    ossl::check(keyid && ASN1_OCTET_STRING_set(keyid.get(), imd, static_cast<int>(ilen)) == 1,
                "building authorityKeyIdentifier");
  }
  ossl::check(keyid != nullptr, "copying the issuer's key identifier");
  if (spec.authority_key_id == KeyIdForm::mismatched) {
    std::vector<unsigned char> flipped(ASN1_STRING_get0_data(keyid.get()),
                                       ASN1_STRING_get0_data(keyid.get()) + ASN1_STRING_length(keyid.get()));
    for (auto& b : flipped) b = static_cast<unsigned char>(~b);
    ossl::check(ASN1_OCTET_STRING_set(keyid.get(), flipped.data(), static_cast<int>(flipped.size())) == 1,
                "building a mismatched authorityKeyIdentifier");
  }
  ossl::AuthorityKeyIdPtr aki(AUTHORITY_KEYID_new());
  ossl::check(aki != nullptr, "allocating authorityKeyIdentifier");
  aki->keyid = keyid.release();
  ossl::check(X509_add1_ext_i2d(x, NID_authority_key_identifier, aki.get(), 0, X509V3_ADD_DEFAULT) == 1,
              "adding authorityKeyIdentifier");
}

void set_serial(X509* x, const CertSpec& spec) {
  if (!spec.serial_bytes.empty()) {
    // Zero or longer than 20 octets: values RFC 5280 forbids and OpenSSL still encodes.
    ossl::BignumPtr bn(BN_bin2bn(spec.serial_bytes.data(), static_cast<int>(spec.serial_bytes.size()), nullptr));
    ossl::check(bn != nullptr && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x)) != nullptr,
                "certificate '" + spec.name + "': setting the serial number");
    return;
  }
  std::uint64_t serial = 0;
  if (spec.serial) {
    serial = *spec.serial;  // 0 included: RFC 5280 forbids it, a scenario may want it
  } else {
    // Positive and non-zero, as RFC 5280 asks; 63 random bits.
    while (serial == 0) {
      ossl::check(RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) == 1,
                  "drawing a serial number");
      serial &= 0x7FFFFFFFFFFFFFFFULL;
    }
  }
  ossl::check(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial) == 1,
              "setting the serial number");
}

void set_validity(X509* x, const CertSpec& spec, std::chrono::system_clock::time_point now) {
  time_t base = std::chrono::system_clock::to_time_t(now);
  ossl::check(X509_time_adj_ex(X509_getm_notBefore(x), 0, static_cast<long>(spec.not_before.count()),
                               &base) != nullptr,
              "certificate '" + spec.name + "': setting notBefore");
  ossl::check(X509_time_adj_ex(X509_getm_notAfter(x), 0, static_cast<long>(spec.not_after.count()),
                               &base) != nullptr,
              "certificate '" + spec.name + "': setting notAfter");
}

}  // namespace tlsmatrix::certs
