#include "harness/endpoints/tls_files.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "harness/certs/cert_factory.h"
#include "harness/ossl/mem_bio.h"
#include "harness/x509/names.h"

namespace tlsmatrix::endpoints {

namespace {

std::string queue_or(std::string fallback) {
  std::string q = ossl::drain_errors();
  return q.empty() ? fallback : q;
}

}  // namespace

std::vector<ossl::X509Ptr> pem_certs(std::string_view pem) {
  std::vector<ossl::X509Ptr> out;
  if (pem.empty()) return out;
  ossl::BioPtr bio = ossl::mem_bio(pem);
  for (;;) {
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, ossl::refuse_passphrase, nullptr));
    if (!cert) break;
    out.push_back(std::move(cert));
  }
  ERR_clear_error();
  return out;
}

std::string identity_error(std::string_view cert_chain_pem, std::string_view key_pem,
                           std::string_view cert_label, std::string_view key_label, int security_level,
                           bool chain_is_sent) {
  ERR_clear_error();
  ossl::BioPtr cert_bio = ossl::mem_bio(cert_chain_pem);
  ossl::X509Ptr leaf(
      PEM_read_bio_X509_AUX(cert_bio.get(), nullptr, ossl::refuse_passphrase, nullptr));
  if (!leaf) return std::string(cert_label) + ": no certificate loads (" + queue_or("empty") + ")";
  ossl::BioPtr key_bio = ossl::mem_bio(key_pem);
  ossl::EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, ossl::refuse_passphrase, nullptr));
  if (!key) return std::string(key_label) + ": no private key loads (" + queue_or("empty") + ")";
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_method()));
  ossl::check(ctx != nullptr, "creating an SSL_CTX");
  if (security_level >= 0) SSL_CTX_set_security_level(ctx.get(), security_level);
  // SSL_CTX_use_certificate applies the security level to the own certificate's key and
  // signature digest: this is where OpenSSL 3 refuses an RSA-1024 or SHA-1 certificate.
  if (SSL_CTX_use_certificate(ctx.get(), leaf.get()) != 1) {
    return std::string(cert_label) + ": OpenSSL refuses the certificate (" + queue_or("unknown") +
           "; security level " + std::to_string(SSL_CTX_get_security_level(ctx.get())) + ")";
  }
  // The rest of the file is the chain gRPC hands OpenSSL as extra certificates. OpenSSL checks
  // them against the security level only when it sends them (ssl_security_cert_chain in the
  // handshake), so a SHA-1-signed or RSA-1024 intermediate loads and then kills every handshake
  // on the sender's side, before the peer sees a certificate. SSL_CTX_add1_chain_cert applies
  // that same check (key size; signature digest unless self-signed) at load time.
  for (int position = 2; chain_is_sent; ++position) {
    ossl::X509Ptr extra(PEM_read_bio_X509(cert_bio.get(), nullptr, ossl::refuse_passphrase, nullptr));
    if (!extra) break;
    if (SSL_CTX_add1_chain_cert(ctx.get(), extra.get()) != 1) {
      return std::string(cert_label) + ": OpenSSL will not send certificate " + std::to_string(position) +
             " of the chain (" + x509::subject(extra.get()) + "): " + queue_or("unknown") +
             "; security level " + std::to_string(SSL_CTX_get_security_level(ctx.get()));
    }
  }
  ERR_clear_error();  // the end of the PEM text
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    return std::string(key_label) + ": the key does not match " + std::string(cert_label) + " (" +
           queue_or("key values mismatch") + ")";
  }
  ERR_clear_error();
  return "";
}

std::string roots_error(std::string_view pem, std::string_view label) {
  if (pem_certs(pem).empty()) return std::string(label) + ": no root certificate loads";
  return "";
}

const std::string& default_roots_pem() {
  static const std::string pem = [] {
    certs::CertSpec spec;
    spec.name = "default-roots-stand-in";
    spec.cn = "tlsmatrix stand-in for the default roots";
    spec.ca = true;
    spec.key_type = certs::KeyType::ec_p256;
    // A private pool: the shared pool's slots belong to scenario certificates.
    certs::KeyPool pool;
    certs::CertSet set = certs::build_cert_set({spec}, pool);
    return set.get(spec.name).cert_pem;
  }();
  return pem;
}

}  // namespace tlsmatrix::endpoints
