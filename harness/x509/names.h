// How a certificate is named: its subject as text (one formatter for every message and report)
// and the names it carries (SANs and CN) as the client stacks read them.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

namespace tlsmatrix::x509 {

// "CN=localhost, O=milvus" in forward order, UTF-8 kept as is; "(empty)" for an empty name.
std::string name_text(const X509_NAME* name);

// How much of a subject a message shows.
enum class SubjectForm {
  // The whole subject (name_text): `run`'s details, `probe`, `certs`.
  full,
  // "CN=localhost" when there is a CN, else the whole subject: `validate` names each certificate
  // in a sentence, where the CN is what a user recognises.
  cn,
};

// The certificate's subject in `form`; "" for a null certificate.
std::string subject(const X509* cert, SubjectForm form = SubjectForm::full);

// The names a certificate carries, as the stacks read them.
struct CertNames {
  std::vector<std::string> dns;
  std::vector<std::string> ip;     // textual: "127.0.0.1", "::1"
  std::vector<std::string> other;  // URI and email SAN entries
  std::string cn;                  // the last CN, as most stacks take it; empty when none
  bool any_san() const { return !dns.empty() || !ip.empty() || !other.empty(); }
};
CertNames cert_names(const X509* cert);

}  // namespace tlsmatrix::x509
