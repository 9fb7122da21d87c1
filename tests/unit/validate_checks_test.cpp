// Each static check of `tlsmatrix validate` against certificates made by the cert factory in the
// test itself: a correct set passes, and each fault is reported with the right severity, the
// right file and a fix.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/certs/cert_factory.h"
#include "harness/certs/milvus_layout.h"
#include "harness/io/utc_time.h"
#include "harness/validate/deployment_checks.h"
#include "harness/validate/static_checks.h"
#include "harness/x509/facts.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix::validate {
namespace {

using std::chrono::hours;
using testutil::leaf_spec;

// A CA named "Test CA NAME".
certs::CertSpec ca_spec(const std::string& name) { return testutil::ca_spec(name, "Test CA " + name); }

// A correct Milvus-layout set: ca, server (SAN localhost, 127.0.0.1; serverAuth), client.
std::vector<certs::CertSpec> good_specs() {
  return {ca_spec("ca"),
          leaf_spec("server", "ca", "localhost", {"DNS:localhost", "IP:127.0.0.1"}, {"serverAuth"}),
          leaf_spec("client", "ca", "client", {}, {"clientAuth"})};
}

CertFile cert_file(const certs::CertSet& set, std::vector<std::string> names) {
  CertFile f;
  f.path = names.front() + ".pem";
  for (const auto& n : names) f.certs.push_back(ossl::up_ref(set.get(n).cert.get()));
  return f;
}

KeyFile key_file(const certs::CertSet& set, const std::string& name) {
  return KeyFile{name + ".key", ossl::up_ref(set.get(name).key.get())};
}

// A mode-2 deployment of `set`: server/ca/client files, trusting ca.pem, server_name localhost.
struct Deployment {
  DeploymentInput input;
  LoadedDeployment files;
};
Deployment mode2(const certs::CertSet& set) {
  Deployment d;
  d.input.tls_mode = 2;
  d.input.server_name = "localhost";
  d.files.server_pem = cert_file(set, {"server"});
  d.files.server_key = key_file(set, "server");
  d.files.ca_pem = cert_file(set, {"ca"});
  d.files.client_pem = cert_file(set, {"client"});
  d.files.client_key = key_file(set, "client");
  d.files.trust = cert_file(set, {"ca"});
  return d;
}

std::vector<Finding> with_severity(const std::vector<Finding>& rs, Severity s) {
  std::vector<Finding> out;
  std::copy_if(rs.begin(), rs.end(), std::back_inserter(out),
               [&](const Finding& r) { return r.severity == s; });
  return out;
}

std::string dump(const std::vector<Finding>& rs) {
  std::string out;
  for (const auto& r : rs) {
    out += std::string(to_string(r.severity)) + " " + r.id + " " + r.file + ": " + r.message;
    for (const auto& p : r.profiles) out += " [" + p + "]";
    out += "\n";
  }
  return out;
}

const Finding* find(const std::vector<Finding>& rs, std::string_view check, Severity s) {
  for (const auto& r : rs) {
    if (r.id == check && r.severity == s) return &r;
  }
  return nullptr;
}

TEST(ValidateChecks, CorrectSetIsClean) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Deployment d = mode2(set);
  auto rs = run_static_checks(d.input, d.files);
  EXPECT_TRUE(with_severity(rs, Severity::error).empty()) << dump(rs);
  EXPECT_TRUE(with_severity(rs, Severity::warning).empty()) << dump(rs);
  EXPECT_NE(find(rs, "client.chain_to_ca", Severity::ok), nullptr) << dump(rs);
  EXPECT_NE(find(rs, "server.name", Severity::ok), nullptr) << dump(rs);
}

// A plaintext mode loads no TLS files, so nothing about them is checked; but whatever expects
// TLS there is an error: clients given TLS files, and server files without any tlsMode.
TEST(ValidateChecks, ModeZeroChecksOnlyWhatExpectsTls) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Deployment d = mode2(set);
  d.input.tls_mode = 0;
  d.files.trust.reset();
  d.files.client_pem.reset();
  d.files.client_key.reset();
  auto rs = run_static_checks(d.input, d.files);
  ASSERT_EQ(rs.size(), 1u) << dump(rs);
  EXPECT_EQ(rs[0].id, "mode");
  EXPECT_EQ(rs[0].severity, Severity::ok);
  EXPECT_NE(rs[0].message.find("tlsMode 0 (--tls-mode 0)"), std::string::npos) << dump(rs);

  d.input.tls_mode = 3;
  rs = run_static_checks(d.input, d.files);
  ASSERT_EQ(rs.size(), 1u) << dump(rs);
  EXPECT_EQ(rs[0].severity, Severity::warning);

  // Clients set up for TLS meet a plaintext server (they used to pass unnoticed).
  d = mode2(set);
  d.input.tls_mode = 0;
  rs = run_static_checks(d.input, d.files);
  const Finding* client = find(rs, "client.mode", Severity::error);
  ASSERT_NE(client, nullptr) << dump(rs);
  EXPECT_NE(client->message.find("--trust ca.pem"), std::string::npos) << client->message;
  EXPECT_NE(client->message.find("tls_to_plaintext"), std::string::npos) << client->message;

  // milvus.yaml with tls.* set: fine under an explicit tlsMode 0 (Milvus's own file ships so),
  // an error without any tlsMode.
  Deployment y;
  y.input.config_file = "milvus.yaml";
  y.input.tls_mode = 0;
  y.input.tls_mode_line = 7;
  y.input.unused_server_settings = {"tls.serverPemPath", "tls.serverKeyPath"};
  rs = run_static_checks(y.input, y.files);
  EXPECT_TRUE(with_severity(rs, Severity::error).empty()) << dump(rs);
  EXPECT_NE(dump(rs).find("tlsMode 0 (common.security.tlsMode: 0 at line 7)"), std::string::npos)
      << dump(rs);
  y.input.tls_mode_set = false;
  rs = run_static_checks(y.input, y.files);
  const Finding* unset = find(rs, "config", Severity::error);
  ASSERT_NE(unset, nullptr) << dump(rs);
  EXPECT_NE(unset->message.find("tls.serverPemPath and tls.serverKeyPath are set, but "
                                "common.security.tlsMode is not (Milvus's default 0)"),
            std::string::npos) << unset->message;
}

// A tlsMode where Milvus does not read it: an error when it asks for another mode than the one
// Milvus runs, naming the key found, its line and the key Milvus reads; a warning otherwise.
TEST(ValidateChecks, MisplacedModeKeyIsNamed) {
  Deployment y;
  y.input.config_file = "milvus.yaml";
  y.input.tls_mode = 0;
  y.input.tls_mode_set = false;
  y.input.lookalikes = {{{"common.tlsMode", "2", 5}, "common.security.tlsMode"}};
  auto rs = run_static_checks(y.input, y.files);
  const Finding* e = find(rs, "mode.key", Severity::error);
  ASSERT_NE(e, nullptr) << dump(rs);
  EXPECT_EQ(e->message,
            "common.tlsMode: 2 (line 5) is not read by Milvus: it reads "
            "common.security.tlsMode, which is not set (default 0), so the proxy runs tlsMode 0 "
            "(plaintext)");
  EXPECT_NE(e->fix.find("move it to common.security.tlsMode"), std::string::npos) << e->fix;

  y.input.lookalikes = {{{"common.tlsMode", "0", 5}, "common.security.tlsMode"}};
  rs = run_static_checks(y.input, y.files);
  EXPECT_NE(find(rs, "mode.key", Severity::warning), nullptr) << dump(rs);
  EXPECT_TRUE(with_severity(rs, Severity::error).empty()) << dump(rs);
}

TEST(ValidateChecks, ModeTwoWithoutCaIsAnError) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Deployment d = mode2(set);
  d.files.ca_pem.reset();
  d.input.config_file = "deploy/milvus.yaml";
  auto rs = run_static_checks(d.input, d.files);
  const Finding* r = find(rs, "config", Severity::error);
  ASSERT_NE(r, nullptr) << dump(rs);
  EXPECT_EQ(r->file, "deploy/milvus.yaml");
  EXPECT_NE(r->message.find("tls.caPemPath"), std::string::npos) << r->message;
}

// The key of another certificate: the error names the key file.
TEST(ValidateChecks, KeyFromAnotherCertificate) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Findings out;
  KeyFile wrong{"server.key", ossl::up_ref(set.get("client").key.get())};
  check_key_matches(cert_file(set, {"server"}), wrong, Role::server, out);
  ASSERT_EQ(out.results().size(), 1u);
  EXPECT_EQ(out.results()[0].severity, Severity::error);
  EXPECT_EQ(out.results()[0].file, "server.key");
  EXPECT_FALSE(out.results()[0].fix.empty());

  Findings good;
  check_key_matches(cert_file(set, {"server"}), key_file(set, "server"), Role::server, good);
  EXPECT_EQ(good.results()[0].severity, Severity::ok);
}

TEST(ValidateChecks, ValidityWindow) {
  auto specs = good_specs();
  specs[1].not_before = -hours(48);
  specs[1].not_after = -hours(24);  // server expired yesterday
  specs[2].not_before = hours(36);  // client not valid for a day and a half
  specs.push_back(leaf_spec("soon", "ca", "soon", {"DNS:soon"}, {}));
  specs.back().not_after = hours(24 * 10);
  const auto now = std::chrono::system_clock::now();
  certs::CertSet set = certs::build_cert_set(specs, certs::KeyPool::shared(), now);

  std::vector<const X509*> seen;
  Findings out;
  check_validity(cert_file(set, {"server"}), now, 30, seen, out);
  check_validity(cert_file(set, {"client"}), now, 30, seen, out);
  check_validity(cert_file(set, {"soon"}), now, 30, seen, out);
  check_validity(cert_file(set, {"soon"}), now, 5, seen, out);  // seen already: silent
  const auto& rs = out.results();
  ASSERT_EQ(rs.size(), 3u) << dump(rs);
  EXPECT_EQ(rs[0].severity, Severity::error);
  EXPECT_NE(rs[0].message.find("expired on " + io::readable_utc(x509::not_after(set.get("server").cert.get()))),
            std::string::npos) << rs[0].message;
  EXPECT_EQ(rs[1].severity, Severity::error);
  EXPECT_NE(rs[1].message.find("not valid until"), std::string::npos) << rs[1].message;
  EXPECT_NE(rs[1].message.find(" hours)"), std::string::npos) << "under two days in hours: " << rs[1].message;
  EXPECT_EQ(rs[2].severity, Severity::warning);
  EXPECT_NE(rs[2].message.find("(10 days left)"), std::string::npos) << rs[2].message;

  std::vector<const X509*> fresh;
  Findings quiet;
  check_validity(cert_file(set, {"soon"}), now, 5, fresh, quiet);
  EXPECT_EQ(quiet.results()[0].severity, Severity::ok) << "outside a 5-day warning window";
}

// A CA made to last (RFC 5280's 99991231235959Z means "no expiry") lies past the nanosecond
// system_clock's 2262 horizon; it once read as "expired on 1783-...".
TEST(ValidateChecks, FarFutureExpiryIsValid) {
  auto specs = good_specs();
  specs[0].not_after = std::chrono::hours(24 * 365 * 7900);
  const auto now = std::chrono::system_clock::now();
  certs::CertSet set = certs::build_cert_set(specs, certs::KeyPool::shared(), now);
  std::vector<const X509*> seen;
  Findings out;
  check_validity(cert_file(set, {"ca"}), now, 30, seen, out);
  ASSERT_EQ(out.results().size(), 1u) << dump(out.results());
  EXPECT_EQ(out.results()[0].severity, Severity::ok) << out.results()[0].message;
  // About 7894 years from now: the 9900s.
  EXPECT_NE(out.results()[0].message.find("expires on 99"), std::string::npos)
      << out.results()[0].message;
}

TEST(ValidateChecks, WeakKeyAndSha1) {
  auto specs = good_specs();
  specs[1].key_type = certs::KeyType::rsa1024;
  specs[2].digest = "sha1";
  specs[0].digest = "sha1";  // a root's self-signature is not what verifiers check
  certs::CertSet set = certs::build_cert_set(specs);
  std::vector<const X509*> seen;
  Findings out;
  check_strength(cert_file(set, {"server"}), seen, out);
  check_strength(cert_file(set, {"client"}), seen, out);
  check_strength(cert_file(set, {"ca"}), seen, out);
  const auto& rs = out.results();
  ASSERT_EQ(rs.size(), 3u) << dump(rs);
  EXPECT_EQ(rs[0].severity, Severity::error);
  EXPECT_NE(rs[0].message.find("RSA 1024"), std::string::npos) << rs[0].message;
  EXPECT_EQ(rs[1].severity, Severity::error);
  EXPECT_NE(rs[1].message.find("SHA1"), std::string::npos) << rs[1].message;
  EXPECT_EQ(rs[2].severity, Severity::ok) << dump(rs);
}

// The Milvus 2.5 page's mistake: serverAuth on the client certificate.
TEST(ValidateChecks, ClientWithServerAuthOnly) {
  auto specs = good_specs();
  specs[2].ext_key_usage = {"serverAuth"};
  certs::CertSet set = certs::build_cert_set(specs);
  Deployment d = mode2(set);
  auto rs = run_static_checks(d.input, d.files);
  const Finding* r = find(rs, "client.usage", Severity::error);
  ASSERT_NE(r, nullptr) << dump(rs);
  EXPECT_EQ(r->file, "client.pem");
  EXPECT_NE(r->fix.find("extendedKeyUsage = clientAuth"), std::string::npos) << r->fix;
  EXPECT_EQ(with_severity(rs, Severity::error).size(), 1u) << dump(rs);

  // In mode 1 the server never asks for it.
  d.input.tls_mode = 1;
  rs = run_static_checks(d.input, d.files);
  EXPECT_TRUE(with_severity(rs, Severity::error).empty()) << dump(rs);
}

TEST(ValidateChecks, ServerUsageFaults) {
  auto specs = good_specs();
  specs[1].ext_key_usage = {"clientAuth"};
  specs[1].key_usage = std::vector<std::string>{"keyEncipherment"};
  certs::CertSet set = certs::build_cert_set(specs);
  Findings out;
  check_leaf_role(cert_file(set, {"server"}), Role::server, out);
  ASSERT_EQ(out.results().size(), 2u) << dump(out.results());
  EXPECT_NE(out.results()[0].message.find("without serverAuth"), std::string::npos);
  EXPECT_NE(out.results()[1].message.find("digitalSignature"), std::string::npos);
}

// pymilvus sends no client certificate when server_pem_path is set: trusting server.pem itself
// in mode 2 is a trap worth a warning.
TEST(ValidateChecks, PinnedServerPemInModeTwo) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Deployment d = mode2(set);
  d.files.trust = cert_file(set, {"server"});
  auto rs = run_static_checks(d.input, d.files);
  const Finding* r = find(rs, "client.pymilvus_trust", Severity::warning);
  ASSERT_NE(r, nullptr) << dump(rs);
  EXPECT_NE(r->fix.find("ca_pem_path"), std::string::npos);
  d.input.tls_mode = 1;
  rs = run_static_checks(d.input, d.files);
  EXPECT_EQ(find(rs, "client.pymilvus_trust", Severity::warning), nullptr) << dump(rs);
}

TEST(ValidateChecks, CaFileMustHoldCas) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Findings out;
  check_is_ca(cert_file(set, {"server"}), Role::ca, nullptr, out);
  ASSERT_EQ(out.results().size(), 1u);
  EXPECT_EQ(out.results()[0].severity, Severity::error);
  EXPECT_NE(out.results()[0].message.find("not a CA"), std::string::npos);

  // The pages' one-way recipe: the client trusts server.pem itself.
  Findings pinned;
  check_is_ca(cert_file(set, {"server"}), Role::trust, set.get("server").cert.get(), pinned);
  EXPECT_EQ(pinned.results()[0].severity, Severity::ok);
}

// A CA-signed server.pem as the only trust root: fine for grpc-core and go, not for node.
TEST(ValidateChecks, PinnedLeafFailsOnlyForNode) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  Findings out;
  check_server_chain_to_trust(cert_file(set, {"server"}), cert_file(set, {"server"}),
                              {"grpc-core", "go", "node"}, out);
  const auto& rs = out.results();
  ASSERT_EQ(rs.size(), 2u) << dump(rs);
  EXPECT_EQ(rs[0].severity, Severity::ok);
  EXPECT_EQ(rs[0].profiles, (std::vector<std::string>{"grpc-core", "go"}));
  EXPECT_EQ(rs[1].severity, Severity::error);
  EXPECT_EQ(rs[1].profiles, (std::vector<std::string>{"node"}));
}

TEST(ValidateChecks, ChainsToTheWrongCa) {
  auto specs = good_specs();
  specs.push_back(ca_spec("other"));
  specs.push_back(leaf_spec("stranger", "other", "stranger", {}, {"clientAuth"}));
  certs::CertSet set = certs::build_cert_set(specs);
  Deployment d = mode2(set);
  d.files.trust = cert_file(set, {"other"});
  d.files.client_pem = cert_file(set, {"stranger"});
  d.files.client_key = key_file(set, "stranger");
  auto rs = run_static_checks(d.input, d.files);
  const Finding* server = find(rs, "server.chain_to_trust", Severity::error);
  ASSERT_NE(server, nullptr) << dump(rs);
  EXPECT_TRUE(server->profiles.empty()) << "every profile rejects";
  const Finding* client = find(rs, "client.chain_to_ca", Severity::error);
  ASSERT_NE(client, nullptr) << dump(rs);
  EXPECT_EQ(client->file, "stranger.pem");
}

TEST(ValidateChecks, Intermediates) {
  auto specs = good_specs();
  certs::CertSpec inter = ca_spec("inter");
  inter.issuer = "ca";
  specs.push_back(inter);
  specs.push_back(leaf_spec("deep", "inter", "localhost", {"DNS:localhost"}, {"serverAuth"}));
  certs::CertSet set = certs::build_cert_set(specs);
  CertFile root = cert_file(set, {"ca"});
  CertFile root_and_inter = cert_file(set, {"ca", "inter"});

  Findings sent;
  check_server_intermediates(cert_file(set, {"deep", "inter"}), {&root}, sent);
  EXPECT_EQ(sent.results().at(0).severity, Severity::ok) << dump(sent.results());

  Findings missing;
  check_server_intermediates(cert_file(set, {"deep"}), {&root_and_inter}, missing);
  ASSERT_EQ(missing.results().size(), 1u);
  EXPECT_EQ(missing.results()[0].severity, Severity::warning);
  EXPECT_NE(missing.results()[0].fix.find("append"), std::string::npos);

  Findings disorder;
  check_server_intermediates(cert_file(set, {"deep", "ca", "inter"}), {&root}, disorder);
  EXPECT_EQ(disorder.results().at(0).severity, Severity::warning) << dump(disorder.results());

  // And the full chain verifies only when the intermediate is sent.
  Findings chain;
  check_server_chain_to_trust(cert_file(set, {"deep", "inter"}), root, {"go"}, chain);
  EXPECT_EQ(chain.results().at(0).severity, Severity::ok) << dump(chain.results());
  Findings broken;
  check_server_chain_to_trust(cert_file(set, {"deep"}), root, {"go"}, broken);
  EXPECT_EQ(broken.results().at(0).severity, Severity::error) << dump(broken.results());
}

// The Milvus 2.3/2.4 page's certificate: the name only in the CN.
TEST(ValidateChecks, NameOnlyInCn) {
  auto specs = good_specs();
  specs[1].sans = {};
  certs::CertSet set = certs::build_cert_set(specs);
  Findings out;
  check_server_name(cert_file(set, {"server"}), "localhost", {"grpc-core", "go", "node"}, out);
  const auto& rs = out.results();
  ASSERT_EQ(rs.size(), 2u) << dump(rs);
  EXPECT_EQ(rs[0].severity, Severity::warning);
  EXPECT_EQ(rs[0].profiles, (std::vector<std::string>{"grpc-core", "node"}));
  EXPECT_EQ(rs[1].severity, Severity::error);
  EXPECT_EQ(rs[1].profiles, (std::vector<std::string>{"go"}));
  EXPECT_NE(rs[1].fix.find("subjectAltName = DNS:localhost"), std::string::npos) << rs[1].fix;
}

TEST(ValidateChecks, NameRules) {
  auto specs = good_specs();
  specs[1].sans = {"DNS:*.milvus.example", "IP:127.0.0.1"};
  certs::CertSet set = certs::build_cert_set(specs);
  const std::vector<std::string> all{"grpc-core", "go", "node"};
  auto judge = [&](const std::string& name) {
    Findings out;
    check_server_name(cert_file(set, {"server"}), name, all, out);
    return out.take();
  };
  EXPECT_EQ(judge("proxy.milvus.example").at(0).severity, Severity::ok);
  EXPECT_EQ(judge("127.0.0.1").at(0).severity, Severity::ok);
  EXPECT_EQ(judge("a.b.milvus.example").at(0).severity, Severity::error) << "one label only";
  EXPECT_EQ(judge("127.0.0.2").at(0).severity, Severity::error);
  // The CN (localhost) is ignored by every profile when DNS SANs exist.
  auto cn = judge("localhost");
  ASSERT_EQ(cn.size(), 1u) << dump(cn);
  EXPECT_EQ(cn[0].severity, Severity::error);

  Findings none;
  check_server_name(cert_file(set, {"server"}), "", all, none);
  EXPECT_EQ(none.results().at(0).severity, Severity::warning);
}

// The advice names the SAN that the command it suggests (`certs gen --cn NAME`) really makes:
// "123" and "1.2.3" are DNS names to both, not IP addresses.
TEST(ValidateChecks, SuggestedSanIsWhatCertsGenMakes) {
  certs::CertSet set = certs::build_cert_set(good_specs());
  for (const std::string name : {"123", "1.2.3", "milvus.example", "10.0.0.7", "::2"}) {
    Findings out;
    check_server_name(cert_file(set, {"server"}), name, {"go"}, out);
    const auto& rs = out.results();
    ASSERT_EQ(rs.size(), 1u) << name << "\n" << dump(rs);
    EXPECT_EQ(rs[0].severity, Severity::error) << name;
    EXPECT_NE(rs[0].fix.find("subjectAltName = " + certs::normalize_san(name) + " "), std::string::npos)
        << name << ": " << rs[0].fix;
  }
  EXPECT_EQ(certs::normalize_san("123"), "DNS:123");
  EXPECT_EQ(certs::normalize_san("::2"), "IP:::2");
}

TEST(ValidateChecks, MergeProfiles) {
  const auto finding = [](Severity s, std::string message, std::string fix, std::string profile) {
    Finding f;
    f.id = "c";
    f.severity = s;
    f.file = "f";
    f.message = std::move(message);
    f.fix = std::move(fix);
    f.profiles = {std::move(profile)};
    return f;
  };
  std::vector<Finding> rs{finding(Severity::ok, "m", "", "a"), finding(Severity::ok, "m", "", "b"),
                          finding(Severity::error, "x", "fix", "c")};
  auto merged = merge_profiles(rs, {"a", "b", "c"});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].profiles, (std::vector<std::string>{"a", "b"}));
  auto all = merge_profiles({rs[0], rs[1]}, {"a", "b"});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].profiles.empty());
}

}  // namespace
}  // namespace tlsmatrix::validate
