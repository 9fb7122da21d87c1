#include "harness/x509/facts.h"

#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::x509 {

namespace {
std::chrono::sys_seconds to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}
}  // namespace

std::chrono::sys_seconds not_before(const X509* cert) {
  return to_time_point(X509_get0_notBefore(cert));
}

std::chrono::sys_seconds not_after(const X509* cert) {
  return to_time_point(X509_get0_notAfter(cert));
}

bool is_self_signed(X509* cert) { return X509_self_signed(cert, /*verify_signature=*/1) == 1; }

bool is_ca(X509* cert) { return (X509_get_extension_flags(cert) & EXFLAG_CA) != 0; }

std::string key_label(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len) == 1) {
        int nid = OBJ_sn2nid(group);
        const char* nist = nid != NID_undef ? EC_curve_nid2nist(nid) : nullptr;
        return std::string("EC ") + (nist != nullptr ? nist : group);
      }
      return "EC " + std::to_string(EVP_PKEY_get_bits(key));
    }
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_DSA: return "DSA " + std::to_string(EVP_PKEY_get_bits(key));
    default: break;
  }
  return key_type(key) + " key";
}

std::string key_type(const EVP_PKEY* key) {
  const char* name = EVP_PKEY_get0_type_name(key);
  return name != nullptr ? name : "unknown";
}

int key_security_bits(const EVP_PKEY* key) { return EVP_PKEY_get_security_bits(key); }

SignatureInfo signature_info(X509* cert) {
  SignatureInfo info;
  // The signature algorithm's own digest, as Go reads it (RSA-PSS parameters aside).
  int md = NID_undef, pk = NID_undef;
  info.sha1 = OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md, &pk) == 1 && md == NID_sha1;
  int mdnid = NID_undef, pknid = NID_undef, secbits = -1;
  uint32_t flags = 0;
  if (X509_get_signature_info(cert, &mdnid, &pknid, &secbits, &flags) != 1) {
    ossl::drain_errors();
    info.digest = "unknown";
    return info;
  }
  info.security_bits = secbits;
  info.digest = mdnid == NID_undef ? "none" : OBJ_nid2sn(mdnid);
  info.weak_digest = mdnid == NID_sha1 || mdnid == NID_md5 || mdnid == NID_md5_sha1 ||
                     mdnid == NID_md4 || mdnid == NID_md2;
  return info;
}

std::vector<std::string> ext_key_usage_names(const X509* cert) {
  std::vector<std::string> out;
  ossl::ExtKeyUsagePtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(eku.get(), i);
    int nid = OBJ_obj2nid(obj);
    if (nid != NID_undef) {
      out.push_back(OBJ_nid2sn(nid));
    } else {
      char buf[80];
      OBJ_obj2txt(buf, sizeof buf, obj, /*no_name=*/1);
      out.push_back(buf);
    }
  }
  return out;
}

bool same_cert(const X509* a, const X509* b) { return X509_cmp(a, b) == 0; }

std::string span_text(std::chrono::sys_seconds from, std::chrono::sys_seconds to) {
  const long hours = static_cast<long>(std::chrono::duration_cast<std::chrono::hours>(to - from).count());
  if (hours < 48) return std::to_string(hours) + (hours == 1 ? " hour" : " hours");
  return std::to_string(hours / 24) + " days";
}

}  // namespace tlsmatrix::x509
