// The dynamic check runs a real local server with the deployment's files and a real client per
// profile: a correct mutual-TLS set connects for every profile; the name-only-in-CN server
// certificate fails for go alone, with the hostname reason.
#include "harness/validate/dynamic_check.h"

#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/runner/runner.h"

namespace tlsmatrix::validate {
namespace {

// A hang guard, not a speed limit: these handshakes take milliseconds, but on a loaded CI machine
// a 5 s budget was seen to run out.
constexpr std::chrono::seconds kHangGuard{30};

LoadedDeployment files_of(const certs::CertSet& set) {
  auto certs = [&](const std::string& n) {
    CertFile f{n + ".pem", {}};
    f.certs.push_back(ossl::up_ref(set.get(n).cert.get()));
    return f;
  };
  auto key = [&](const std::string& n) { return KeyFile{n + ".key", ossl::up_ref(set.get(n).key.get())}; };
  LoadedDeployment f;
  f.server_pem = certs("server");
  f.server_key = key("server");
  f.ca_pem = certs("ca");
  f.trust = certs("ca");
  f.client_pem = certs("client");
  f.client_key = key("client");
  return f;
}

certs::CertSet make_set(std::vector<std::string> server_sans) {
  certs::CertSpec ca;
  ca.name = "ca";
  ca.cn = "Dynamic CA";
  ca.ca = true;
  certs::CertSpec server;
  server.name = "server";
  server.issuer = "ca";
  server.cn = "localhost";
  server.sans = std::move(server_sans);
  certs::CertSpec client;
  client.name = "client";
  client.issuer = "ca";
  client.cn = "client";
  client.ext_key_usage = {"clientAuth"};
  for (certs::CertSpec* s : {&ca, &server, &client}) s->key_type = certs::KeyType::ec_p256;  // fast
  return certs::build_cert_set({ca, server, client});
}

class DynamicCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runner::silence_grpc_logging(); }
  DeploymentInput input() {
    DeploymentInput in;
    in.tls_mode = 2;
    in.server_name = "localhost";
    in.profiles = {"grpc-core", "go", "node"};
    return in;
  }
};

TEST_F(DynamicCheck, CorrectSetConnectsEverywhere) {
  certs::CertSet set = make_set({"DNS:localhost"});
  auto rs = run_dynamic_check(input(), files_of(set), kHangGuard);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].severity, Severity::ok) << rs[0].message;
  EXPECT_TRUE(rs[0].profiles.empty());
}

TEST_F(DynamicCheck, NameOnlyInCnFailsForGo) {
  certs::CertSet set = make_set({});
  auto rs = run_dynamic_check(input(), files_of(set), kHangGuard);
  ASSERT_EQ(rs.size(), 2u);
  const Finding& go = rs[0].severity == Severity::error ? rs[0] : rs[1];
  EXPECT_EQ(go.profiles, std::vector<std::string>{"go"});
  EXPECT_NE(go.message.find("hostname_mismatch"), std::string::npos) << go.message;
  EXPECT_NE(go.fix.find("subjectAltName"), std::string::npos) << go.fix;
}

// Without --server-name the client checks the address it connected to (127.0.0.1); a
// certificate for localhost alone fails that, and the advice must name 127.0.0.1 as an IP
// name, not an empty "DNS:".
TEST_F(DynamicCheck, HostnameAdviceNamesWhatTheClientChecked) {
  certs::CertSet set = make_set({"DNS:localhost"});
  DeploymentInput in = input();
  in.server_name.clear();
  auto rs = run_dynamic_check(in, files_of(set), kHangGuard);
  ASSERT_FALSE(rs.empty());
  for (const Finding& r : rs) {
    SCOPED_TRACE(r.message);
    EXPECT_EQ(r.severity, Severity::error);
    EXPECT_NE(r.message.find("hostname_mismatch"), std::string::npos);
    EXPECT_NE(r.fix.find("the client checked 127.0.0.1"), std::string::npos) << r.fix;
    EXPECT_NE(r.fix.find("subjectAltName = IP:127.0.0.1"), std::string::npos) << r.fix;
    EXPECT_NE(r.fix.find("--server-name"), std::string::npos) << r.fix;
  }
}

// Every profile fails the same way (mode 2, no client certificate): one merged line, with the
// reason the server saw.
TEST_F(DynamicCheck, AlikeFailuresMerge) {
  certs::CertSet set = make_set({"DNS:localhost"});
  LoadedDeployment f = files_of(set);
  f.client_pem.reset();
  f.client_key.reset();
  auto rs = run_dynamic_check(input(), f, kHangGuard);
  ASSERT_EQ(rs.size(), 1u) << rs[0].message << "\n" << rs.back().message;
  EXPECT_EQ(rs[0].severity, Severity::error);
  EXPECT_TRUE(rs[0].profiles.empty());
  EXPECT_NE(rs[0].message.find("client_cert_missing"), std::string::npos) << rs[0].message;
}

// A plaintext mode (Milvus's tlsMode 0) gives nothing to try without client TLS files; a client
// given them connects with TLS to the plaintext server, as it would to Milvus, and fails with
// tls_to_plaintext (it used not to be tried at all, and validate passed).
TEST_F(DynamicCheck, PlaintextModeTriesClientsGivenTlsFiles) {
  certs::CertSet set = make_set({"DNS:localhost"});
  DeploymentInput in = input();
  in.tls_mode = 0;
  LoadedDeployment server_only = files_of(set);
  server_only.trust.reset();
  server_only.client_pem.reset();
  server_only.client_key.reset();
  EXPECT_TRUE(run_dynamic_check(in, server_only, kHangGuard).empty());

  auto rs = run_dynamic_check(in, files_of(set), kHangGuard);
  ASSERT_FALSE(rs.empty());
  for (const Finding& r : rs) {
    SCOPED_TRACE(r.message);
    EXPECT_EQ(r.severity, Severity::error);
    EXPECT_NE(r.message.find("tlsMode 0 (plaintext)"), std::string::npos);
    EXPECT_NE(r.message.find("fails with tls_to_plaintext"), std::string::npos);
    EXPECT_NE(r.fix.find("--tls-mode to 1 or 2"), std::string::npos) << r.fix;
  }
}

}  // namespace
}  // namespace tlsmatrix::validate
