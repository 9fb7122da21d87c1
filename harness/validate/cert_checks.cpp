// Checks on single certificate files: key pairing, validity, strength, and fitness for a role.
#include <openssl/x509v3.h>

#include <cmath>

#include "harness/io/utc_time.h"
#include "harness/validate/advice_command.h"
#include "harness/validate/static_checks.h"
#include "harness/x509/facts.h"

namespace tlsmatrix::validate {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

const char* role_noun(Role role) {
  switch (role) {
    case Role::server: return "server";
    case Role::client: return "client";
    case Role::ca: return "CA";
    case Role::trust: return "trust";
  }
  return "";
}

// In multi-certificate files the message says which certificate; a lone one needs no label.
std::string which(const CertFile& file, X509* cert) {
  return file.certs.size() > 1 ? " (" + cert_label(cert) + ")" : "";
}

}  // namespace

void check_key_matches(const CertFile& cert, const KeyFile& key, Role role, Findings& out) {
  const std::string id = std::string(role_noun(role)) + ".key_matches";
  EVP_PKEY* pub = X509_get0_pubkey(cert.leaf());
  int eq = pub != nullptr ? EVP_PKEY_eq(pub, key.key.get()) : 0;
  ossl::drain_errors();
  if (eq == 1) {
    out.ok(id, key.name(), "is the private key of " + cert.name() + " (" + x509::key_label(key.key.get()) + ")");
    return;
  }
  std::string detail = eq == -1 ? " (a " + x509::key_label(key.key.get()) + " key for a " +
                                      x509::key_label(pub) + " certificate)"
                                : " (the public keys differ)";
  out.error(id, key.name(),
            "is not the private key of " + cert.name() + " (" + cert_label(cert.leaf()) + ")" +
                detail + "; the " + role_noun(role) + " cannot complete a handshake",
            "use the key that " + cert.name() + " was issued for, or reissue " + cert.name() +
                " for this key (or make a new matching set: `" + certs_gen_command("") + "`)");
}

void check_validity(const CertFile& file, std::chrono::system_clock::time_point now, int warn_days,
                    std::vector<const X509*>& seen, Findings& out) {
  // Certificate dates are whole seconds and may lie past system_clock's range (see not_after),
  // so they are compared in seconds.
  const auto now_s = std::chrono::floor<std::chrono::seconds>(now);
  bool reported_any = false;
  std::chrono::sys_seconds first_expiry{};
  std::string first_label;
  int checked = 0;
  for (X509* cert : file.all()) {
    bool dup = false;
    for (const X509* s : seen) dup = dup || x509::same_cert(s, cert);
    if (dup) continue;
    seen.push_back(cert);
    ++checked;
    const auto nb = x509::not_before(cert);
    const auto na = x509::not_after(cert);
    const std::string label = cert_label(cert);
    if (nb > now_s) {
      out.error("validity", file.name(),
                label + " is not valid until " + io::readable_utc(nb) + " (in " + x509::span_text(now_s, nb) + ")",
                "check the clock of the machine that issued it, or reissue it with a notBefore "
                "in the past");
      reported_any = true;
    } else if (na < now_s) {
      out.error("validity", file.name(),
                label + " expired on " + io::readable_utc(na) + " (" + x509::span_text(na, now_s) + " ago)",
                "reissue " + file.name() + " with a new validity period and restart what uses it");
      reported_any = true;
    } else if (na < now_s + std::chrono::hours(24) * warn_days) {
      out.warning("validity", file.name(),
                  label + " expires on " + io::readable_utc(na) + " (" + x509::span_text(now_s, na) + " left)",
                  "reissue " + file.name() + " before " + io::readable_utc(na));
      reported_any = true;
    }
    if (first_label.empty() || na < first_expiry) {
      first_expiry = na;
      first_label = label;
    }
  }
  if (!reported_any && checked > 0) {
    // Under --at the clock is the one asked for, and "now" would be a made-up word for it.
    const bool at_now = std::chrono::abs(std::chrono::system_clock::now() - now) < std::chrono::minutes(1);
    out.ok("validity", file.name(),
           (at_now ? std::string("valid now; ") : "valid at " + io::readable_utc(now_s) + "; ") + (checked > 1 ? "first expiry " + first_label + " on " : "expires on ") +
               io::readable_utc(first_expiry) + " (" + x509::span_text(now_s, first_expiry) + ")");
  }
}

void check_strength(const CertFile& file, std::vector<const X509*>& seen, Findings& out) {
  bool bad = false;
  std::vector<std::string> seen_labels;
  for (X509* cert : file.all()) {
    bool dup = false;
    for (const X509* s : seen) dup = dup || x509::same_cert(s, cert);
    if (dup) continue;
    seen.push_back(cert);
    EVP_PKEY* pub = X509_get0_pubkey(cert);
    if (pub != nullptr && x509::key_security_bits(pub) < 112) {
      out.error("strength", file.name(),
                cert_label(cert) + " has a " + x509::key_label(pub) + " key (" +
                    std::to_string(x509::key_security_bits(pub)) + "-bit security)",
                "reissue it with RSA 2048 or larger, or EC P-256: OpenSSL 3 at Debian's default "
                "security level 2 refuses keys under 112-bit security");
      bad = true;
    }
    x509::SignatureInfo sig = x509::signature_info(cert);
    if (sig.weak_digest && !x509::is_self_signed(cert)) {
      out.error("strength", file.name(),
                cert_label(cert) + " is signed with " + sig.digest,
                "re-sign it with SHA-256: OpenSSL 3 at Debian's default security level 2 refuses "
                "SHA-1 signatures");
      bad = true;
    }
    if (pub != nullptr) seen_labels.push_back(x509::key_label(pub) + (sig.digest == "none" ? "" : "/" + sig.digest));
  }
  if (!bad && !seen_labels.empty()) {
    out.ok("strength", file.name(), "key and signature strength acceptable (" + join(seen_labels) + ")");
  }
}

void check_leaf_role(const CertFile& file, Role role, Findings& out) {
  const std::string id = std::string(role_noun(role)) + ".usage";
  X509* leaf = file.leaf();
  const uint32_t flags = X509_get_extension_flags(leaf);
  const bool server = role == Role::server;
  bool bad = false;

  if (flags & EXFLAG_XKUSAGE) {
    const uint32_t want = server ? XKU_SSL_SERVER : XKU_SSL_CLIENT;
    const uint32_t xku = X509_get_extended_key_usage(leaf);
    if ((xku & (want | XKU_ANYEKU)) == 0) {
      const std::vector<std::string> has = x509::ext_key_usage_names(leaf);
      const char* needed = server ? "serverAuth" : "clientAuth";
      std::string why = server ? "every client profile rejects it as a server certificate"
                               : "the mode-2 server (Milvus's Go proxy, like grpc-core) rejects "
                                 "it as a client certificate";
      std::string fix = "reissue " + file.name() + " with extendedKeyUsage = " + needed +
                        " (or without an extendedKeyUsage extension)";
      if (!server) {
        fix += "; the Milvus 2.5 page's openssl.cnf puts serverAuth on the client certificate "
               "too, which is this mistake";
      }
      out.error(id, file.name(),
                cert_label(leaf) + " has extendedKeyUsage " + join(has) + " without " + needed +
                    ": " + why,
                fix);
      bad = true;
    }
  }
  if ((flags & EXFLAG_KUSAGE) && (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0) {
    out.error(id, file.name(),
              cert_label(leaf) + " has keyUsage without digitalSignature: TLS 1.3 and ECDHE "
                                    "handshakes sign with this key, so peers refuse it",
              "reissue " + file.name() + " with keyUsage = digitalSignature, keyEncipherment");
    bad = true;
  }
  if (x509::is_ca(leaf)) {
    out.warning(id, file.name(),
                cert_label(leaf) + " is marked as a CA (basicConstraints CA:TRUE) but is used "
                                      "as the " + role_noun(role) + "'s own certificate",
                "issue a separate " + std::string(role_noun(role)) +
                    " certificate with basicConstraints CA:FALSE from the CA");
    bad = true;
  }
  if (!bad) {
    std::vector<std::string> eku = x509::ext_key_usage_names(leaf);
    out.ok(id, file.name(),
           "fit for a " + std::string(role_noun(role)) + " certificate" +
               (eku.empty() ? " (no extendedKeyUsage restriction)" : " (extendedKeyUsage " + join(eku) + ")"));
  }
  // What the peer sends after its own certificate must be CAs that can issue.
  const std::vector<X509*> rest = file.after_leaf();
  for (X509* c : rest) {
    if (!x509::is_ca(c)) {
      out.error(id, file.name(),
                cert_label(c) + " follows the leaf" + which(file, leaf) +
                    " as a chain certificate but is not a CA (no basicConstraints CA:TRUE)",
                "keep only the leaf and its issuing intermediates in " + file.name());
    }
  }
}

void check_is_ca(const CertFile& file, Role role, const X509* pinned, Findings& out) {
  const std::string id = std::string(role_noun(role)) + ".is_ca";
  bool bad = false;
  int pinned_count = 0;
  for (X509* cert : file.all()) {
    if (pinned != nullptr && x509::same_cert(pinned, cert)) {
      ++pinned_count;
      continue;
    }
    const uint32_t flags = X509_get_extension_flags(cert);
    if (!x509::is_ca(cert)) {
      // A v1 self-signed root still works as a trust anchor for OpenSSL and Go, but cannot be
      // checked for what it may issue.
      if ((flags & EXFLAG_V1) && x509::is_self_signed(cert)) {
        out.warning(id, file.name(),
                    cert_label(cert) + " is a version-1 certificate without basicConstraints",
                    "reissue the CA with basicConstraints = critical, CA:TRUE");
      } else {
        out.error(id, file.name(),
                  cert_label(cert) + " is not a CA (no basicConstraints CA:TRUE), so nothing "
                                        "it signed verifies",
                  role == Role::ca ? "point tls.caPemPath (--ca-pem) at the CA certificate that "
                                     "issued the client certificates (the Milvus pages' ca.pem), "
                                     "not at a leaf"
                                   : "give clients the CA certificate (the Milvus pages' ca.pem), "
                                     "or the server's own certificate only if it is self-signed");
      }
      bad = true;
      continue;
    }
    if ((flags & EXFLAG_KUSAGE) && (X509_get_key_usage(cert) & KU_KEY_CERT_SIGN) == 0) {
      out.error(id, file.name(),
                cert_label(cert) + " is a CA whose keyUsage lacks keyCertSign",
                "reissue the CA with keyUsage = keyCertSign, cRLSign");
      bad = true;
    }
  }
  if (!bad) {
    if (pinned_count > 0 && pinned_count == static_cast<int>(file.certs.size())) {
      out.ok(id, file.name(), "trusts the server certificate itself (pinned), as the Milvus pages "
                              "tell one-way TLS clients to do");
    } else {
      out.ok(id, file.name(), "every certificate is a CA that may issue certificates");
    }
  }
}

}  // namespace tlsmatrix::validate
