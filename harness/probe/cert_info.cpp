#include "harness/probe/cert_info.h"

#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::probe {

std::string name_text(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  // Forward order, "CN=x, O=y", UTF-8 kept as is.
  X509_NAME_print_ex(bio.get(), name, 0,
                     (XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_RFC2253) & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string("(empty)");
}

namespace {

std::vector<std::string> san_list(X509* cert) {
  std::vector<std::string> out;
  ossl::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    auto str = [](const ASN1_STRING* s) {
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<std::size_t>(ASN1_STRING_length(s)));
    };
    switch (gn->type) {
      case GEN_DNS: out.push_back("DNS:" + str(gn->d.dNSName)); break;
      case GEN_URI: out.push_back("URI:" + str(gn->d.uniformResourceIdentifier)); break;
      case GEN_EMAIL: out.push_back("email:" + str(gn->d.rfc822Name)); break;
      case GEN_IPADD: {
        ossl::BioPtr bio(BIO_new(BIO_s_mem()));
        // GENERAL_NAME_print writes "IP Address:1.2.3.4"; keep the address.
        GENERAL_NAME_print(bio.get(), const_cast<GENERAL_NAME*>(gn));  // takes non-const
        char* data = nullptr;
        long len = BIO_get_mem_data(bio.get(), &data);
        std::string text(data, static_cast<std::size_t>(len));
        auto colon = text.find(':');
        out.push_back("IP:" + (colon == std::string::npos ? text : text.substr(colon + 1)));
        break;
      }
      default: out.push_back("other:(type " + std::to_string(gn->type) + ")"); break;
    }
  }
  return out;
}

std::string utc_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "(unreadable)";
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

CertInfo describe_cert(X509* cert, std::chrono::system_clock::time_point now) {
  CertInfo info;
  info.subject = name_text(X509_get_subject_name(cert));
  info.issuer = name_text(X509_get_issuer_name(cert));
  info.sans = san_list(cert);
  info.self_signed = X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
  info.ca = X509_check_ca(cert) > 0;

  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    info.key_bits = EVP_PKEY_get_bits(key);
    const char* type = EVP_PKEY_get0_type_name(key);
    info.key_type = type != nullptr ? type : "unknown";
    info.key_detail = info.key_type + " " + std::to_string(info.key_bits);
    char group[64];
    size_t group_len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &group_len) == 1) {
      std::string g = group;
      // The NIST names are the ones people know from configs and key-type flags.
      if (g == "prime256v1") g = "P-256";
      if (g == "secp384r1") g = "P-384";
      if (g == "secp521r1") g = "P-521";
      info.key_detail = info.key_type + " " + g + " (" + std::to_string(info.key_bits) + " bits)";
    }
  }

  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, nullptr, nullptr) == 1 && md_nid != NID_undef) {
    info.signature_digest = OBJ_nid2sn(md_nid);
  } else {
    info.signature_digest = "none";  // Ed25519 and friends sign without a separate digest
  }

  const ASN1_TIME* nb = X509_get0_notBefore(cert);
  const ASN1_TIME* na = X509_get0_notAfter(cert);
  info.not_before = utc_text(nb);
  info.not_after = utc_text(na);
  std::time_t now_t = std::chrono::system_clock::to_time_t(now);
  ossl::Asn1TimePtr now_asn1(ASN1_TIME_set(nullptr, now_t));
  int days = 0, secs = 0;
  if (ASN1_TIME_diff(&days, &secs, now_asn1.get(), na) == 1) info.days_left = days;
  info.expired = X509_cmp_time(na, &now_t) < 0;
  info.not_yet_valid = X509_cmp_time(nb, &now_t) > 0;
  return info;
}

}  // namespace tlsmatrix::probe
