#include "harness/x509/names.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::x509 {

namespace {

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {0};
  const unsigned char* data = ASN1_STRING_get0_data(ip);
  int len = ASN1_STRING_length(ip);
  if (len == 4 && inet_ntop(AF_INET, data, buf, sizeof buf) != nullptr) return buf;
  if (len == 16 && inet_ntop(AF_INET6, data, buf, sizeof buf) != nullptr) return buf;
  return "<bad IP SAN>";
}

std::string asn1_text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

}  // namespace

std::string name_text(const X509_NAME* name) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return "(empty)";
  X509_NAME_print_ex(bio.get(), name, 0,
                     (XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_RFC2253) & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string("(empty)");
}

std::string subject(const X509* cert, SubjectForm form) {
  if (cert == nullptr) return {};
  if (form == SubjectForm::cn) {
    std::string cn = cert_names(cert).cn;
    if (!cn.empty()) return "CN=" + cn;
  }
  return name_text(X509_get_subject_name(cert));
}

CertNames cert_names(const X509* cert) {
  CertNames names;
  if (cert == nullptr) return names;
  ossl::GeneralNamesPtr sans(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (sans) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), i);
      switch (gn->type) {
        case GEN_DNS: names.dns.push_back(asn1_text(gn->d.dNSName)); break;
        case GEN_IPADD: names.ip.push_back(ip_text(gn->d.iPAddress)); break;
        case GEN_URI: names.other.push_back("URI:" + asn1_text(gn->d.uniformResourceIdentifier)); break;
        case GEN_EMAIL: names.other.push_back("email:" + asn1_text(gn->d.rfc822Name)); break;
        default: break;
      }
    }
  }
  const X509_NAME* subject = X509_get_subject_name(cert);
  int idx = -1, last = -1;
  while ((idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) >= 0) last = idx;
  if (last >= 0) {
    names.cn = asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last)));
  }
  return names;
}

}  // namespace tlsmatrix::x509
