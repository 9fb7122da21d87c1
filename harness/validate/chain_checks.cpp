// Checks that relate certificate files to each other: chains to the trust file and to
// caPemPath, and what the server sends along with its certificate.
#include "harness/validate/profile_rules.h"
#include "harness/validate/static_checks.h"
#include "harness/x509/facts.h"
#include "harness/x509/verify.h"

namespace tlsmatrix::validate {

namespace {

// Any certificate in the trust set may end the chain unless a profile says otherwise (grpc-core
// and Go accept a CA-signed leaf as the only root). Dates are left to the validity check, which
// reports them once with their dates, so a chain result speaks only about issuers, signatures
// and CA flags.
x509::VerifyResult verify_chain(const CertFile& cert, const CertFile& anchors, bool partial_chain = true) {
  return x509::verify(cert.leaf(), cert.after_leaf(), anchors.all(),
                      {.partial_chain = partial_chain, .check_time = false});
}

std::string chain_text(const x509::VerifyResult& r) {
  std::string out;
  for (X509* c : r.chain) out += (out.empty() ? "" : " <- ") + cert_label(c);
  return out;
}

std::string issuer_label(X509* cert) {
  const X509_NAME* issuer = X509_get_issuer_name(cert);
  int idx = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
  if (idx >= 0) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx));
    return "CN=" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                               static_cast<std::size_t>(ASN1_STRING_length(s)));
  }
  return "(issuer without CN)";
}

std::string failure_text(const x509::VerifyResult& r) {
  std::string out = r.error_name() + " (" + r.error_text() + ")";
  if (r.failing != nullptr) out += " at " + cert_label(r.failing);
  return out;
}

}  // namespace

void check_server_chain_to_trust(const CertFile& server, const CertFile& trust,
                                 const std::vector<std::string>& profiles, Findings& out) {
  std::vector<Finding> per_profile;
  for (const auto& profile : profiles) {
    x509::VerifyResult r = verify_chain(server, trust, accepts_partial_chain(profile));
    Finding c;
    c.id = "server.chain_to_trust";
    c.file = server.name();
    c.profiles = {profile};
    if (r.ok()) {
      c.severity = Severity::ok;
      c.message = "verifies to " + trust.name() + ": " + chain_text(r);
    } else {
      c.severity = Severity::error;
      // Would it verify with a partial chain? Then only the trust-root rule is in the way.
      x509::VerifyResult partial = verify_chain(server, trust);
      if (partial.ok()) {
        c.message = "does not verify to " + trust.name() + ": " + failure_text(r) + "; " +
                    trust.name() + " holds a CA-signed certificate, which this client does not "
                    "accept as a trust root";
        c.fix = "have these clients trust the CA that issued " + server.name() + " (" +
                issuer_label(server.leaf()) + ", the Milvus pages' ca.pem) instead of " +
                trust.name();
      } else {
        c.message = "does not verify to " + trust.name() + ": " + failure_text(r) +
                    "; clients that trust " + trust.name() + " reject the server";
        c.fix = "give clients the CA that issued " + server.name() + " (issuer " +
                issuer_label(server.leaf()) + "), or reissue " + server.name() +
                " from a CA in " + trust.name();
      }
    }
    per_profile.push_back(std::move(c));
  }
  out.append(merge_profiles(std::move(per_profile), profiles));
}

void check_server_chain_to_ca(const CertFile& server, const CertFile& ca, Severity if_broken,
                              const std::string& ca_setting, Findings& out) {
  x509::VerifyResult r = verify_chain(server, ca);
  if (r.ok()) {
    out.ok("server.chain_to_ca", server.name(), "verifies to " + ca.name() + " (" + ca_setting + ")");
    return;
  }
  Finding c;
  c.id = "server.chain_to_ca";
  c.severity = if_broken;
  c.file = server.name();
  c.message = "does not verify to " + ca.name() + " (" + ca_setting + "): " + failure_text(r) +
              "; clients told to trust that CA (the pages' mutual-TLS clients pass it as "
              "ca_pem_path) reject the server";
  c.fix = "issue " + server.name() + " from the CA in " + ca.name() + ", or give clients the CA "
          "that issued it (issuer " + issuer_label(server.leaf()) + ")";
  out.add(std::move(c));
}

void check_server_intermediates(const CertFile& server, const std::vector<const CertFile*>& anchors,
                                Findings& out) {
  const std::vector<X509*> sent = server.all();
  bool bad = false;
  for (std::size_t i = 1; i < sent.size(); ++i) {
    if (X509_check_issued(sent[i], sent[i - 1]) != X509_V_OK) {
      out.warning("server.intermediates", server.name(),
                  "lists " + cert_label(sent[i]) + " right after " + cert_label(sent[i - 1]) +
                      ", which it did not issue; strict clients reject an out-of-order chain",
                  "order " + server.name() + " leaf first, then each certificate's issuer");
      bad = true;
      break;
    }
  }
  // The leaf's issuer, if it is an intermediate that only the trust side holds: clients that
  // trust only the root cannot build the chain.
  X509* last = sent.back();
  if (!x509::is_self_signed(last)) {
    for (const CertFile* file : anchors) {
      for (X509* candidate : file->all()) {
        if (X509_check_issued(candidate, last) == X509_V_OK && !x509::is_self_signed(candidate)) {
          out.warning("server.intermediates", server.name(),
                      "does not send the intermediate " + cert_label(candidate) + " (found in " +
                          file->name() + "); only clients that trust that intermediate itself "
                          "can build the chain",
                      "append " + cert_label(candidate) + "'s certificate to " + server.name() +
                          " after the server certificate");
          bad = true;
        }
      }
    }
  }
  if (!bad) {
    std::string what = sent.size() == 1
                           ? "sends only its own certificate (no intermediates)"
                           : "sends " + std::to_string(sent.size()) + " certificates, leaf first, "
                             "each followed by its issuer";
    out.ok("server.intermediates", server.name(), what);
  }
}

void check_client_chain_to_ca(const CertFile& client, const CertFile& ca,
                              const std::string& ca_setting, Findings& out) {
  // Milvus's proxy is Go: any certificate in ClientCAs ends the chain (a partial chain).
  x509::VerifyResult r = verify_chain(client, ca);
  if (r.ok()) {
    out.ok("client.chain_to_ca", client.name(),
           "verifies to " + ca.name() + " (" + ca_setting + "): " + chain_text(r));
    return;
  }
  out.error("client.chain_to_ca", client.name(),
            "does not verify to " + ca.name() + " (" + ca_setting + "): " + failure_text(r) +
                "; the mode-2 server rejects this client",
            "issue " + client.name() + " from the CA in " + ca.name() + ", or add its issuer (" +
                issuer_label(client.leaf()) + ") to " + ca_setting);
}

}  // namespace tlsmatrix::validate
