// `servers:` in scenario files: per-server-stack expectations and how a cell's expectation is
// resolved (servers.S.PROFILE -> servers.S -> profiles.PROFILE -> expect).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/io/input_error.h"
#include "harness/scenario/scenario_loader.h"

namespace tlsmatrix {
namespace {

using ::testing::HasSubstr;

constexpr const char* kBase = R"(name: weak-server
summary: An RSA-1024 server key.
certs:
  ca: {ca: true, cn: CA}
  server: {issuer: ca, cn: localhost, san: [DNS:localhost], key: rsa1024}
server: {cert: server, ca: ca}
client: {ca_pem_path: ca, client_pem_path: server, server_name: localhost}
expect: {0: pass, 1: fail server_config_error, 2: fail server_config_error}
profiles:
  node: {0: fail timeout}
)";

verdict::Verdict at(const scenario::Scenario& s, int mode, const std::string& profile, const std::string& server) {
  return s.expectation(mode, profile, server).verdict;
}

TEST(ServerExpectations, ResolveMostSpecificFirst) {
  std::string doc = std::string(kBase) + R"(servers:
  milvus:
    1: fail server_cert_invalid
    go: {1: pass}
)";
  scenario::Scenario s = scenario::parse_scenario(doc, "scenarios/broken/weak.yaml");
  const verdict::Verdict pass{verdict::Outcome::pass, verdict::Reason::ok};
  // servers.milvus.go.1
  EXPECT_EQ(at(s, 1, "go", "milvus"), pass);
  // servers.milvus.1 (node has no server-specific override for mode 1)
  EXPECT_EQ(at(s, 1, "node", "milvus"), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_cert_invalid}));
  // profiles.node.0, then expect.2: nothing for those modes under servers.milvus
  EXPECT_EQ(at(s, 0, "node", "milvus"), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::timeout}));
  EXPECT_EQ(at(s, 2, "go", "milvus"), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_config_error}));
  // The harness's own server ignores the milvus block.
  EXPECT_EQ(at(s, 1, "go", "harness"), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_config_error}));
  EXPECT_EQ(s.expectation(1, "go").verdict, (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_config_error}));
  // Positions point at the line that decided.
  EXPECT_EQ(s.expectation(1, "go", "milvus").pos.line, 14);
}

TEST(ServerExpectations, RejectsWhatNobodyWouldRead) {
  struct Case {
    const char* what;
    const char* servers;
    const char* message;
  } cases[] = {
      {"unknown server", "servers:\n  envoy:\n    1: pass\n", "servers: unknown server profile 'envoy'"},
      {"unknown key", "servers:\n  milvus:\n    rust: {1: pass}\n",
       "servers.milvus: expected a mode (0, 1, 2) or a client profile"},
      {"bad mode", "servers:\n  milvus:\n    3: pass\n", "servers.milvus: expected a mode"},
      {"bad verdict", "servers:\n  milvus:\n    go: {1: maybe}\n", "servers.milvus.go.1: expected 'pass' or 'fail REASON'"},
      {"empty", "servers:\n  milvus: {}\n", "servers.milvus: empty override"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    try {
      scenario::parse_scenario(std::string(kBase) + c.servers, "x.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const io::InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.message));
      EXPECT_THAT(e.what(), HasSubstr("x.yaml:1"));
    }
  }
}

}  // namespace
}  // namespace tlsmatrix
