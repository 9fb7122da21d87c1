// The facts come from the shared readers (harness/x509), so the probe and `validate` describe a
// certificate the same way.
#include "harness/probe/cert_info.h"

#include <openssl/bio.h>

#include "harness/io/utc_time.h"
#include "harness/ossl/ossl_ptr.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"

namespace tlsmatrix::probe {

CertInfo describe_cert(X509* cert, std::chrono::system_clock::time_point now) {
  CertInfo info;
  info.subject = x509::name_text(X509_get_subject_name(cert));
  info.issuer = x509::name_text(X509_get_issuer_name(cert));
  x509::CertNames names = x509::cert_names(cert);
  for (const auto& d : names.dns) info.sans.push_back("DNS:" + d);
  for (const auto& ip : names.ip) info.sans.push_back("IP:" + ip);
  for (const auto& o : names.other) info.sans.push_back(o);  // already "URI:..." / "email:..."
  info.self_signed = x509::is_self_signed(cert);
  info.ca = x509::is_ca(cert);

  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    info.key_bits = EVP_PKEY_get_bits(key);
    info.key_type = x509::key_type(key);
    info.key_detail = x509::key_label(key);
  }
  info.signature_digest = x509::signature_info(cert).digest;

  const auto now_s = std::chrono::floor<std::chrono::seconds>(now);  // see x509::not_after
  auto nb = x509::not_before(cert);
  auto na = x509::not_after(cert);
  info.not_before = io::readable_utc(nb);
  info.not_after = io::readable_utc(na);
  info.not_after_unix =
      std::chrono::duration_cast<std::chrono::seconds>(na.time_since_epoch()).count();
  info.days_left = std::chrono::floor<std::chrono::days>(na - now_s).count();
  info.expired = na < now_s;
  info.not_yet_valid = nb > now_s;
  return info;
}

}  // namespace tlsmatrix::probe
