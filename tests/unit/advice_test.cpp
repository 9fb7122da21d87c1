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

const ClientProfile& profile(const char* name) {
  const ClientProfile* p = find_profile(name);
  EXPECT_NE(p, nullptr) << name;
  return *p;
}

// A root, an intermediate under it, a leaf under the intermediate, a leaf directly under the
// root, and an unrelated self-signed root.
CertSet pki() {
  using testutil::ca_spec;
  using testutil::leaf_spec;
  return build_cert_set({ca_spec("root", "advice root"), ca_spec("inter", "advice intermediate", "root"),
                         leaf_spec("leaf", "inter", "localhost", {"DNS:localhost"}),
                         leaf_spec("direct", "root", "localhost", {"DNS:localhost"}),
                         ca_spec("other", "advice other root")});
}

X509* cert(const CertSet& set, const char* name) { return set.get(name).cert.get(); }

AdviceContext named(const char* server_name) {
  AdviceContext c;
  c.server_name = server_name;
  return c;
}

AdviceContext trusting(const char* file, const TrustFinding& f) {
  AdviceContext c = named("localhost");
  c.trust_file = file;
  c.trust = f.role;
  c.trust_instead = f.trust_instead;
  return c;
}

TEST(TrustRole, TellsRootsLeavesIntermediatesAndStrangersApart) {
  CertSet set = pki();
  X509* leaf = cert(set, "leaf");
  X509* inter = cert(set, "inter");
  X509* direct = cert(set, "direct");
  struct Row {
    const char* what;
    std::vector<X509*> presented;
    std::vector<X509*> trusted;
    TrustRole role;
    std::string instead;
  };
  const std::vector<Row> rows = {
      {"the root", {leaf, inter}, {cert(set, "root")}, TrustRole::root, ""},
      {"an unrelated root", {leaf, inter}, {cert(set, "other")}, TrustRole::unrelated,
       "CN=advice root"},
      {"an unrelated root, leaf only", {direct}, {cert(set, "other")}, TrustRole::unrelated,
       "CN=advice root"},
      {"the server's own leaf", {direct}, {direct}, TrustRole::ca_signed_leaf, "CN=advice root"},
      {"the intermediate", {leaf, inter}, {inter}, TrustRole::intermediate, "CN=advice root"},
      // The server leaves its intermediate out: the root alone leads nowhere.
      {"the root, intermediate missing", {leaf}, {cert(set, "root")}, TrustRole::unrelated,
       "CN=advice intermediate"},
  };
  for (const auto& r : rows) {
    TrustFinding f = find_trust_role(r.presented, r.trusted);
    EXPECT_EQ(f.role, r.role) << r.what;
    EXPECT_EQ(f.trust_instead, r.instead) << r.what;
  }
  EXPECT_EQ(find_trust_role({}, {leaf}).role, TrustRole::unknown);
}

// The probe's defect: Node was told to swap a CA-signed certificate for the root whenever it
// said unknown_ca, also when --trust already was a self-signed root, just not the server's.
TEST(Advice, ProbeNodeWithAnUnrelatedRootIsToldWhichCaToTrust) {
  CertSet set = pki();
  TrustFinding f = find_trust_role({cert(set, "direct")}, {cert(set, "other")});
  AdviceContext c = trusting("other-ca.pem", f);
  for (const char* p : {"grpc-core", "go", "node"}) {
    std::string text = advice(Reason::unknown_ca, &profile(p), AdviceFor::probe, c);
    EXPECT_EQ(text.find("CA-signed"), std::string::npos) << p << ": " << text;
    EXPECT_EQ(text,
              "the chain does not lead to anything in other-ca.pem: trust the CA that issued the "
              "server certificate (CN=advice root), or have the server send its intermediates")
        << p;
  }
}

TEST(Advice, ProbeNodeWithANonSelfSignedAnchorIsToldToTrustTheRoot) {
  CertSet set = pki();
  TrustFinding leaf = find_trust_role({cert(set, "direct")}, {cert(set, "direct")});
  AdviceContext c = trusting("server.pem", leaf);
  EXPECT_EQ(advice(Reason::unknown_ca, &profile("node"), AdviceFor::probe, c),
            "Node takes only a self-signed root as trust anchor, and server.pem holds the "
            "server's own CA-signed certificate: trust the self-signed root that issued it "
            "(CN=advice root)");
  TrustFinding inter = find_trust_role({cert(set, "leaf"), cert(set, "inter")}, {cert(set, "inter")});
  c = trusting("inter.pem", inter);
  EXPECT_EQ(advice(Reason::unknown_ca, &profile("node"), AdviceFor::probe, c),
            "Node takes only a self-signed root as trust anchor, and inter.pem holds an "
            "intermediate CA: trust the root above it (CN=advice root)");
  // A stack that takes any anchor gets no such advice (it never fails this way; if it did, the
  // anchor would not be the cause).
  EXPECT_EQ(advice(Reason::unknown_ca, &profile("go"), AdviceFor::probe, c).find("self-signed"),
            std::string::npos);
}

// The per-stack rule comes from the profile: a stack that never falls back to the CN.
TEST(Advice, ProbeNameOnlyInTheCnFollowsTheProfilesCnRule) {
  AdviceContext c = named("localhost");
  c.name_only_in_cn = true;
  EXPECT_EQ(advice(Reason::hostname_mismatch, &profile("go"), AdviceFor::probe, c),
            "Go never falls back to the CN: add subjectAltName = DNS:localhost to the server "
            "certificate");
  for (const char* p : {"grpc-core", "node"}) {
    EXPECT_EQ(advice(Reason::hostname_mismatch, &profile(p), AdviceFor::probe, c),
              "the certificate does not cover \"localhost\" (SANs: none): add subjectAltName = "
              "DNS:localhost to it, or pass the --server-name your clients use")
        << p;
  }
  c = named("10.0.0.5");
  c.server_name_given = false;
  c.sans = {"DNS:milvus.example"};
  c.retry_command = "tlsmatrix probe 10.0.0.5:19530 --server-name milvus.example";
  EXPECT_EQ(advice(Reason::hostname_mismatch, &profile("node"), AdviceFor::probe, c),
            "the client checked 10.0.0.5 (no --server-name given): pass --server-name with the "
            "name clients connect with, or add subjectAltName = IP:10.0.0.5 to the server "
            "certificate; to check a name the certificate covers: `tlsmatrix probe "
            "10.0.0.5:19530 --server-name milvus.example`");
}

// `tlsmatrix run`'s portability notes, word for word as before the table (they are in every
// catalogue report); only the intermediate-as-root note changed, as it told users to give "the
// CA certificate, not the server's own" when the client trusted an intermediate.
TEST(Advice, RunNotesKeepTheirWording) {
  AdviceContext cn_only;
  cn_only.name_only_in_cn = true;
  EXPECT_EQ(advice(Reason::hostname_mismatch, nullptr, AdviceFor::run_note, cn_only),
            "name only in the CN; add a subjectAltName");
  EXPECT_EQ(advice(Reason::hostname_mismatch, nullptr, AdviceFor::run_note, {}),
            "the stacks match names differently (CN fallback, wildcards, IP names); list every "
            "name clients use as a DNS: or IP: subjectAltName");
  const std::string unknown_ca =
      "not every stack takes a non-self-signed certificate as trust anchor; give clients the CA "
      "certificate (ca.pem), not the server's own";
  EXPECT_EQ(advice(Reason::unknown_ca, nullptr, AdviceFor::run_note, {}), unknown_ca);
  AdviceContext role;
  role.trust = TrustRole::ca_signed_leaf;
  EXPECT_EQ(advice(Reason::unknown_ca, nullptr, AdviceFor::run_note, role), unknown_ca);
  role.trust = TrustRole::intermediate;
  EXPECT_EQ(advice(Reason::unknown_ca, nullptr, AdviceFor::run_note, role),
            "not every stack takes a non-self-signed certificate as trust anchor; give clients "
            "the root CA certificate, not only the intermediate");
  EXPECT_EQ(advice(Reason::server_cert_invalid, nullptr, AdviceFor::run_note, {}),
            "a stack refuses this certificate (digest, key size or key usage); reissue with "
            "SHA-256, RSA >= 2048 or EC, and EKU serverAuth");
  for (Reason r : {Reason::server_cert_expired, Reason::server_cert_not_yet_valid}) {
    EXPECT_EQ(advice(r, nullptr, AdviceFor::run_note, {}),
              "the stacks read the validity window differently; reissue with a current window");
  }
  for (Reason r : {Reason::client_cert_missing, Reason::client_cert_unknown_ca,
                   Reason::protocol_mismatch, Reason::timeout}) {
    EXPECT_EQ(advice(r, nullptr, AdviceFor::run_note, {}), "") << to_string(r);
  }
}

// `tlsmatrix validate`'s dynamic-check fixes, word for word as before the table, for every
// profile (validate merges profiles whose findings read the same).
TEST(Advice, ValidateFixesKeepTheirWording) {
  const std::vector<std::pair<Reason, std::string>> rows = {
      {Reason::unknown_ca, "give clients the CA that issued the server certificate (--trust / ca_pem_path)"},
      {Reason::server_cert_expired, "reissue the server certificate with a current validity period"},
      {Reason::server_cert_not_yet_valid, "reissue the server certificate with a current validity period"},
      {Reason::server_cert_invalid, "fix the server certificate fault named by the static checks above"},
      {Reason::client_cert_missing, "give the client a certificate and key (--client-pem, --client-key)"},
      {Reason::client_cert_unknown_ca, "issue the client certificate from the CA in caPemPath"},
      {Reason::client_cert_expired, "reissue the client certificate with a current validity period"},
      {Reason::client_cert_not_yet_valid, "reissue the client certificate with a current validity period"},
      {Reason::client_cert_invalid, "fix the client certificate fault named by the static checks above"},
      {Reason::server_config_error,
       "fix the server files named in the detail: Milvus's proxy would not start either"},
      {Reason::client_config_error, "fix the client files named in the detail"},
      {Reason::protocol_mismatch, "see the detail and the static checks above"},
      {Reason::timeout, "see the detail and the static checks above"},
  };
  for (const ClientProfile* p : {static_cast<const ClientProfile*>(nullptr), &profile("node"), &profile("go")}) {
    for (const auto& [reason, text] : rows) {
      EXPECT_EQ(advice(reason, p, AdviceFor::validate, named("localhost")), text)
          << to_string(reason);
    }
  }
  AdviceContext c = named("milvus.example");
  EXPECT_EQ(advice(Reason::hostname_mismatch, nullptr, AdviceFor::validate, c),
            "add subjectAltName = DNS:milvus.example to the server certificate");
  c.name_only_in_cn = true;
  EXPECT_EQ(advice(Reason::hostname_mismatch, &profile("go"), AdviceFor::validate, c),
            "add subjectAltName = DNS:milvus.example to the server certificate");
  c = named("127.0.0.1");
  c.server_name_given = false;
  EXPECT_EQ(advice(Reason::hostname_mismatch, nullptr, AdviceFor::validate, c),
            "the client checked 127.0.0.1 (no --server-name given): pass --server-name with the "
            "name clients connect with, or add subjectAltName = IP:127.0.0.1 to the server "
            "certificate");
}

}  // namespace
}  // namespace tlsmatrix
