// The run's notes say, in plain words, where Milvus's Go proxy would judge differently
// (`servers: milvus` in the scenario), and stay silent where it would not.
#include "harness/runner/server_stack_notes.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace tlsmatrix {
namespace {

constexpr const char* kDoc = R"(name: weak-server
summary: An RSA-1024 server key.
certs:
  ca: {ca: true, cn: CA}
  server: {issuer: ca, cn: localhost, san: [DNS:localhost], key: rsa1024}
server: {cert: server, ca: ca}
client: {ca_pem_path: ca, client_pem_path: server, server_name: localhost}
expect: {0: pass, 1: fail server_config_error, 2: fail server_config_error}
servers:
  milvus:
    1: fail server_cert_invalid
    go: {1: pass}
)";

TEST(MilvusServerNotes, OneLinePerDifferingModeWithBothVerdicts) {
  std::vector<Scenario> s{parse_scenario(kDoc, "x.yaml")};
  auto notes = milvus_server_notes(s, {0, 1, 2}, {"grpc-core", "go", "node"});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "weak-server, mode 1: Milvus's Go proxy gives fail server_cert_invalid to grpc-core and node, pass to "
            "go; the harness's server: fail server_config_error");
}

TEST(MilvusServerNotes, SilentWithoutServersOrForOtherProfiles) {
  std::vector<Scenario> s{parse_scenario(kDoc, "x.yaml")};
  EXPECT_TRUE(milvus_server_notes(s, {0, 2}, {"grpc-core", "go"}).empty());
  std::string plain = std::string(kDoc).substr(0, std::string(kDoc).find("servers:"));
  std::vector<Scenario> p{parse_scenario(plain, "y.yaml")};
  EXPECT_TRUE(milvus_server_notes(p, {0, 1, 2}, {"grpc-core", "go", "node"}).empty());
}

}  // namespace
}  // namespace tlsmatrix
