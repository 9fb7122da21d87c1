#include "harness/ossl/x509_text.h"

#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::ossl {

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return "(empty)";
  X509_NAME_print_ex(bio.get(), name, 0,
                     (XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_RFC2253) & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string("(empty)");
}

std::string subject_text(const X509* cert) {
  return cert == nullptr ? std::string() : name_text(X509_get_subject_name(cert));
}

}  // namespace tlsmatrix::ossl
