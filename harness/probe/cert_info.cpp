// The facts come from the shared readers (validate's cert_inspect, the profile engine's
// cert_names), so the probe and `validate` describe a certificate the same way.
#include "harness/probe/cert_info.h"

#include <openssl/bio.h>

#include "harness/io/utc_time.h"
#include "harness/ossl/ossl_ptr.h"
#include "harness/ossl/x509_text.h"
#include "harness/validate/cert_inspect.h"
#include "harness/verdict/hostname_match.h"

namespace tlsmatrix::probe {

CertInfo describe_cert(X509* cert, std::chrono::system_clock::time_point now) {
  CertInfo info;
  info.subject = ossl::name_text(X509_get_subject_name(cert));
  info.issuer = ossl::name_text(X509_get_issuer_name(cert));
  CertNames names = cert_names(cert);
  for (const auto& d : names.dns) info.sans.push_back("DNS:" + d);
  for (const auto& ip : names.ip) info.sans.push_back("IP:" + ip);
  for (const auto& o : names.other) info.sans.push_back(o);  // already "URI:..." / "email:..."
  info.self_signed = validate::is_self_signed(cert);
  info.ca = validate::is_ca(cert);

  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    info.key_bits = EVP_PKEY_get_bits(key);
    const char* type = EVP_PKEY_get0_type_name(key);
    info.key_type = type != nullptr ? type : "unknown";
    info.key_detail = validate::key_label(key);
  }
  info.signature_digest = validate::signature_info(cert).digest;

  const auto now_s = std::chrono::floor<std::chrono::seconds>(now);  // see validate::not_after
  auto nb = validate::not_before(cert);
  auto na = validate::not_after(cert);
  info.not_before = readable_utc(nb);
  info.not_after = readable_utc(na);
  info.not_after_unix =
      std::chrono::duration_cast<std::chrono::seconds>(na.time_since_epoch()).count();
  info.days_left = std::chrono::floor<std::chrono::days>(na - now_s).count();
  info.expired = na < now_s;
  info.not_yet_valid = nb > now_s;
  return info;
}

}  // namespace tlsmatrix::probe
