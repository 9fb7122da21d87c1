// The advice table (harness/verdict/advice.h). How it proves its point: the wordings `run` and
// `validate` printed before the table existed are pinned here (the catalogue's portability notes
// and validate's fixes must not drift), the situations probe got wrong are asserted with trust
// roles found from real certificates, and the per-stack advice follows the profile's data.
#include "harness/verdict/advice.h"

#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

const verdict::ClientProfile& profile(const char* name) {
  const verdict::ClientProfile* p = verdict::find_profile(name);
  EXPECT_NE(p, nullptr) << name;
  return *p;
}

// A root, an intermediate under it, a leaf under the intermediate, a leaf directly under the
// root, and an unrelated self-signed root.
certs::CertSet pki() {
  using testutil::ca_spec;
  using testutil::leaf_spec;
  return certs::build_cert_set({ca_spec("root", "advice root"), ca_spec("inter", "advice intermediate", "root"),
                         leaf_spec("leaf", "inter", "localhost", {"DNS:localhost"}),
                         leaf_spec("direct", "root", "localhost", {"DNS:localhost"}),
                         ca_spec("other", "advice other root")});
}

X509* cert(const certs::CertSet& set, const char* name) { return set.get(name).cert.get(); }

verdict::AdviceContext named(const char* server_name) {
  verdict::AdviceContext c;
  c.server_name = server_name;
  return c;
}

verdict::AdviceContext trusting(const char* file, const verdict::TrustFinding& f) {
  verdict::AdviceContext c = named("localhost");
  c.trust_file = file;
  c.trust = f.role;
  c.trust_instead = f.trust_instead;
  return c;
}

TEST(TrustRole, TellsRootsLeavesIntermediatesAndStrangersApart) {
  certs::CertSet set = pki();
  X509* leaf = cert(set, "leaf");
  X509* inter = cert(set, "inter");
  X509* direct = cert(set, "direct");
  struct Row {
    const char* what;
    std::vector<X509*> presented;
    std::vector<X509*> trusted;
    verdict::TrustRole role;
    std::string instead;
  };
  const std::vector<Row> rows = {
      {"the root", {leaf, inter}, {cert(set, "root")}, verdict::TrustRole::root, ""},
      {"an unrelated root", {leaf, inter}, {cert(set, "other")}, verdict::TrustRole::unrelated,
       "CN=advice root"},
      {"an unrelated root, leaf only", {direct}, {cert(set, "other")}, verdict::TrustRole::unrelated,
       "CN=advice root"},
      {"the server's own leaf", {direct}, {direct}, verdict::TrustRole::ca_signed_leaf, "CN=advice root"},
      {"the intermediate", {leaf, inter}, {inter}, verdict::TrustRole::intermediate, "CN=advice root"},
      // The server leaves its intermediate out: the root alone leads nowhere.
      {"the root, intermediate missing", {leaf}, {cert(set, "root")}, verdict::TrustRole::unrelated,
       "CN=advice intermediate"},
  };
  for (const auto& r : rows) {
    verdict::TrustFinding f = verdict::find_trust_role(r.presented, r.trusted);
    EXPECT_EQ(f.role, r.role) << r.what;
    EXPECT_EQ(f.trust_instead, r.instead) << r.what;
  }
  EXPECT_EQ(verdict::find_trust_role({}, {leaf}).role, verdict::TrustRole::unknown);
}

// The probe's defect: Node was told to swap a CA-signed certificate for the root whenever it
// said unknown_ca, also when --trust already was a self-signed root, just not the server's.
TEST(Advice, ProbeNodeWithAnUnrelatedRootIsToldWhichCaToTrust) {
  certs::CertSet set = pki();
  verdict::TrustFinding f = verdict::find_trust_role({cert(set, "direct")}, {cert(set, "other")});
  verdict::AdviceContext c = trusting("other-ca.pem", f);
  for (const char* p : {"grpc-core", "go", "node"}) {
    std::string text = verdict::advice(verdict::Reason::unknown_ca, &profile(p), verdict::AdviceFor::probe, c);
    EXPECT_EQ(text.find("CA-signed"), std::string::npos) << p << ": " << text;
    EXPECT_EQ(text,
              "the chain does not lead to anything in other-ca.pem: trust the CA that issued the "
              "server certificate (CN=advice root), or have the server send its intermediates")
        << p;
  }
}

TEST(Advice, ProbeNodeWithANonSelfSignedAnchorIsToldToTrustTheRoot) {
  certs::CertSet set = pki();
  verdict::TrustFinding leaf = verdict::find_trust_role({cert(set, "direct")}, {cert(set, "direct")});
  verdict::AdviceContext c = trusting("server.pem", leaf);
  EXPECT_EQ(verdict::advice(verdict::Reason::unknown_ca, &profile("node"), verdict::AdviceFor::probe, c),
            "Node takes only a self-signed root as trust anchor, and server.pem holds the "
            "server's own CA-signed certificate: trust the self-signed root that issued it "
            "(CN=advice root)");
  verdict::TrustFinding inter = verdict::find_trust_role({cert(set, "leaf"), cert(set, "inter")}, {cert(set, "inter")});
  c = trusting("inter.pem", inter);
  EXPECT_EQ(verdict::advice(verdict::Reason::unknown_ca, &profile("node"), verdict::AdviceFor::probe, c),
            "Node takes only a self-signed root as trust anchor, and inter.pem holds an "
            "intermediate CA: trust the root above it (CN=advice root)");
  // A stack that takes any anchor gets no such advice (it never fails this way; if it did, the
  // anchor would not be the cause).
  EXPECT_EQ(verdict::advice(verdict::Reason::unknown_ca, &profile("go"), verdict::AdviceFor::probe, c).find("self-signed"),
            std::string::npos);
}

// The per-stack rule comes from the profile: a stack that never falls back to the CN.
TEST(Advice, ProbeNameOnlyInTheCnFollowsTheProfilesCnRule) {
  verdict::AdviceContext c = named("localhost");
  c.name_only_in_cn = true;
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, &profile("go"), verdict::AdviceFor::probe, c),
            "Go never falls back to the CN: add subjectAltName = DNS:localhost to the server "
            "certificate");
  for (const char* p : {"grpc-core", "node"}) {
    EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, &profile(p), verdict::AdviceFor::probe, c),
              "the certificate does not cover \"localhost\" (SANs: none): add subjectAltName = "
              "DNS:localhost to it, or pass the --server-name your clients use")
        << p;
  }
  c = named("10.0.0.5");
  c.server_name_given = false;
  c.sans = {"DNS:milvus.example"};
  c.retry_command = "tlsmatrix probe 10.0.0.5:19530 --server-name milvus.example";
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, &profile("node"), verdict::AdviceFor::probe, c),
            "the client checked 10.0.0.5 (no --server-name given): pass --server-name with the "
            "name clients connect with, or add subjectAltName = IP:10.0.0.5 to the server "
            "certificate; to check a name the certificate covers: `tlsmatrix probe "
            "10.0.0.5:19530 --server-name milvus.example`");
}

// `tlsmatrix run`'s portability notes, word for word as before the table (they are in every
// catalogue report); only the intermediate-as-root note changed, as it told users to give "the
// CA certificate, not the server's own" when the client trusted an intermediate.
TEST(Advice, RunNotesKeepTheirWording) {
  verdict::AdviceContext cn_only;
  cn_only.name_only_in_cn = true;
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, nullptr, verdict::AdviceFor::run_note, cn_only),
            "name only in the CN; add a subjectAltName");
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, nullptr, verdict::AdviceFor::run_note, {}),
            "the stacks match names differently (CN fallback, wildcards, IP names); list every "
            "name clients use as a DNS: or IP: subjectAltName");
  const std::string unknown_ca =
      "not every stack takes a non-self-signed certificate as trust anchor; give clients the CA "
      "certificate (ca.pem), not the server's own";
  EXPECT_EQ(verdict::advice(verdict::Reason::unknown_ca, nullptr, verdict::AdviceFor::run_note, {}), unknown_ca);
  verdict::AdviceContext role;
  role.trust = verdict::TrustRole::ca_signed_leaf;
  EXPECT_EQ(verdict::advice(verdict::Reason::unknown_ca, nullptr, verdict::AdviceFor::run_note, role), unknown_ca);
  role.trust = verdict::TrustRole::intermediate;
  EXPECT_EQ(verdict::advice(verdict::Reason::unknown_ca, nullptr, verdict::AdviceFor::run_note, role),
            "not every stack takes a non-self-signed certificate as trust anchor; give clients "
            "the root CA certificate, not only the intermediate");
  EXPECT_EQ(verdict::advice(verdict::Reason::server_cert_invalid, nullptr, verdict::AdviceFor::run_note, {}),
            "a stack refuses this certificate (digest, key size or key usage); reissue with "
            "SHA-256, RSA >= 2048 or EC, and EKU serverAuth");
  for (verdict::Reason r : {verdict::Reason::server_cert_expired, verdict::Reason::server_cert_not_yet_valid}) {
    EXPECT_EQ(verdict::advice(r, nullptr, verdict::AdviceFor::run_note, {}),
              "the stacks read the validity window differently; reissue with a current window");
  }
  for (verdict::Reason r : {verdict::Reason::client_cert_missing, verdict::Reason::client_cert_unknown_ca,
                   verdict::Reason::protocol_mismatch, verdict::Reason::timeout}) {
    EXPECT_EQ(verdict::advice(r, nullptr, verdict::AdviceFor::run_note, {}), "") << to_string(r);
  }
}

// `tlsmatrix validate`'s dynamic-check fixes, word for word as before the table, for every
// profile (validate merges profiles whose findings read the same).
TEST(Advice, ValidateFixesKeepTheirWording) {
  const std::vector<std::pair<verdict::Reason, std::string>> rows = {
      {verdict::Reason::unknown_ca, "give clients the CA that issued the server certificate (--trust / ca_pem_path)"},
      {verdict::Reason::server_cert_expired, "reissue the server certificate with a current validity period"},
      {verdict::Reason::server_cert_not_yet_valid, "reissue the server certificate with a current validity period"},
      {verdict::Reason::server_cert_invalid, "fix the server certificate fault named by the static checks above"},
      {verdict::Reason::client_cert_missing, "give the client a certificate and key (--client-pem, --client-key)"},
      {verdict::Reason::client_cert_unknown_ca, "issue the client certificate from the CA in caPemPath"},
      {verdict::Reason::client_cert_expired, "reissue the client certificate with a current validity period"},
      {verdict::Reason::client_cert_not_yet_valid, "reissue the client certificate with a current validity period"},
      {verdict::Reason::client_cert_invalid, "fix the client certificate fault named by the static checks above"},
      {verdict::Reason::server_config_error,
       "fix the server files named in the detail: Milvus's proxy would not start either"},
      {verdict::Reason::client_config_error, "fix the client files named in the detail"},
      {verdict::Reason::protocol_mismatch, "see the detail and the static checks above"},
      {verdict::Reason::timeout, "see the detail and the static checks above"},
  };
  for (const verdict::ClientProfile* p : {static_cast<const verdict::ClientProfile*>(nullptr), &profile("node"), &profile("go")}) {
    for (const auto& [reason, text] : rows) {
      EXPECT_EQ(verdict::advice(reason, p, verdict::AdviceFor::validate, named("localhost")), text)
          << to_string(reason);
    }
  }
  verdict::AdviceContext c = named("milvus.example");
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, nullptr, verdict::AdviceFor::validate, c),
            "add subjectAltName = DNS:milvus.example to the server certificate");
  c.name_only_in_cn = true;
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, &profile("go"), verdict::AdviceFor::validate, c),
            "add subjectAltName = DNS:milvus.example to the server certificate");
  c = named("127.0.0.1");
  c.server_name_given = false;
  EXPECT_EQ(verdict::advice(verdict::Reason::hostname_mismatch, nullptr, verdict::AdviceFor::validate, c),
            "the client checked 127.0.0.1 (no --server-name given): pass --server-name with the "
            "name clients connect with, or add subjectAltName = IP:127.0.0.1 to the server "
            "certificate");
}

}  // namespace
}  // namespace tlsmatrix
