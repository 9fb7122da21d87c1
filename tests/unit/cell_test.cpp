// End-to-end cells: real gRPC servers and clients on 127.0.0.1, one RPC each. Each test builds a
// scenario in code, runs one cell and checks the verdict the runner names; the server-side
// reasons (missing, foreign, expired client certificate) all look like "Socket closed" to the
// client, so these prove the server's own record is used.
#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/io/input_error.h"
#include "harness/net/loopback.h"
#include "harness/runner/runner.h"
#include "harness/verdict/classify.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

using namespace std::chrono_literals;
using testutil::ca_spec;
using testutil::leaf_spec;

// The pages' mutual-TLS layout: ca, server (localhost), client; plus a foreign CA and its client.
scenario::Scenario valid_scenario() {
  scenario::Scenario s;
  s.name = "unit-valid";
  s.file = "unit";
  s.certs = {ca_spec("ca", "Test CA"), leaf_spec("server", "ca", "localhost", {"DNS:localhost", "IP:127.0.0.1"}),
             leaf_spec("client", "ca", "client"), ca_spec("other-ca", "Other CA"),
             leaf_spec("other-client", "other-ca", "client")};
  s.certs[1].ext_key_usage = {"serverAuth"};
  s.certs[2].ext_key_usage = {"clientAuth"};
  s.server = {.cert = "server", .chain = {}, .key = "", .ca = {"ca"}, .tls_min = "", .tls_max = ""};
  s.client.ca_pem_path = {"ca"};
  s.client.client_pem_path = "client";
  s.client.server_name = "localhost";
  for (int m : scenario::kModes) s.expect[m] = scenario::Expectation{};
  return s;
}

verdict::Verdict run(const scenario::Scenario& s, int mode, const char* profile = "grpc-core") {
  certs::CertSet certs = certs::build_cert_set(s.certs);
  runner::CellResult c = runner::run_cell(s, certs, mode, *verdict::find_profile(profile), 30000ms);  // a hang guard
  EXPECT_FALSE(c.detail.find("DISAGREEMENT") != std::string::npos) << c.detail;
  std::cerr << "  [" << s.name << " mode " << mode << " " << profile << "] " << describe(c.actual) << ": "
            << c.detail << "\n";
  return c.actual;
}

const verdict::Verdict kPass{verdict::Outcome::pass, verdict::Reason::ok};
verdict::Verdict failing(verdict::Reason r) { return verdict::Verdict{verdict::Outcome::fail, r}; }

class CellTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runner::silence_grpc_logging(); }
};

TEST_F(CellTest, ValidSetPassesInEveryMode) {
  scenario::Scenario s = valid_scenario();
  for (int mode : scenario::kModes) {
    for (const char* p : {"grpc-core", "go", "node"}) EXPECT_EQ(run(s, mode, p), kPass) << "mode " << mode << " " << p;
  }
}

TEST_F(CellTest, NoClientCertificateInMode2) {
  scenario::Scenario s = valid_scenario();
  s.client.client_pem_path.clear();  // rule 4 now: default roots, so trust the server file instead
  s.client.server_pem_path = {"ca"};   // rule 2: trust this file, send no client certificate
  EXPECT_EQ(run(s, 1), kPass);
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::client_cert_missing));
}

TEST_F(CellTest, PlaintextClientToTlsServer) {
  scenario::Scenario s = valid_scenario();
  s.client.secure = false;
  EXPECT_EQ(run(s, 0), kPass);
  EXPECT_EQ(run(s, 1), failing(verdict::Reason::plaintext_to_tls));
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::plaintext_to_tls));
}

TEST_F(CellTest, TlsClientToPlaintextServer) {
  scenario::Scenario s = valid_scenario();
  s.client.secure = true;
  EXPECT_EQ(run(s, 0), failing(verdict::Reason::tls_to_plaintext));
}

TEST_F(CellTest, ClientCertificateFromAnotherCa) {
  scenario::Scenario s = valid_scenario();
  s.client.client_pem_path = "other-client";
  EXPECT_EQ(run(s, 1), kPass);  // mode 1 does not ask for it
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::client_cert_unknown_ca));
  EXPECT_EQ(run(s, 2, "go"), failing(verdict::Reason::client_cert_unknown_ca));
}

TEST_F(CellTest, ExpiredClientCertificate) {
  scenario::Scenario s = valid_scenario();
  s.certs[2].not_after = -1h;
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::client_cert_expired));
}

// The 2.5 page: serverAuth EKU on the client certificate fails every mutual-TLS client.
TEST_F(CellTest, ServerAuthEkuOnClientCertificate) {
  scenario::Scenario s = valid_scenario();
  s.certs[2].ext_key_usage = {"serverAuth"};
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::client_cert_invalid));
}

TEST_F(CellTest, ServerCertificateFaultsNamedByTheEngine) {
  scenario::Scenario s = valid_scenario();
  s.client.server_name = "elsewhere";
  EXPECT_EQ(run(s, 1), failing(verdict::Reason::hostname_mismatch));
  EXPECT_EQ(run(s, 1, "node"), failing(verdict::Reason::hostname_mismatch));
  s = valid_scenario();
  s.client.ca_pem_path = {"other-ca"};
  EXPECT_EQ(run(s, 1), failing(verdict::Reason::unknown_ca));
  s = valid_scenario();
  s.certs[1].not_after = -1h;
  EXPECT_EQ(run(s, 1), failing(verdict::Reason::server_cert_expired));
  EXPECT_EQ(run(s, 2, "go"), failing(verdict::Reason::server_cert_expired));
}

TEST_F(CellTest, ServerThatCannotStart) {
  scenario::Scenario s = valid_scenario();
  s.server.key = "client";  // a key that does not match server.pem
  EXPECT_EQ(run(s, 0), kPass);  // plaintext never reads the files
  EXPECT_EQ(run(s, 1), failing(verdict::Reason::server_config_error));
  s = valid_scenario();
  s.server.ca.clear();
  EXPECT_EQ(run(s, 1), kPass);
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::server_config_error));
}

// A SHA-1-signed intermediate in server.pem: OpenSSL at security level 2 loads the SHA-256 leaf
// but will not send the intermediate (ssl_security_cert_chain at the handshake: "ca md too
// weak"), so every handshake dies on the server's side before any client sees a certificate.
// The harness's server cannot serve these files: server_config_error for every profile, never a
// client-side verdict the client did not reach (the go and node cells were `unclassified`, the
// grpc-core one a HARNESS DISAGREEMENT).
TEST_F(CellTest, Sha1IntermediateInTheServedChainIsAServerConfigError) {
  scenario::Scenario s = valid_scenario();
  certs::CertSpec inter = ca_spec("inter", "Intermediate", "ca");
  inter.key_type = certs::KeyType::rsa2048;
  inter.digest = "sha1";
  s.certs.push_back(inter);
  s.certs[1].issuer = "inter";
  s.server.chain = {"inter"};
  EXPECT_EQ(run(s, 0), kPass);
  for (int mode : {1, 2}) {
    for (const char* p : {"grpc-core", "go", "node"}) {
      EXPECT_EQ(run(s, mode, p), failing(verdict::Reason::server_config_error)) << "mode " << mode << " " << p;
    }
  }
}

// The client's own certificate is loaded the way each stack loads it (README.md, "The client's
// own certificate"): C-core at security level 2 refuses an RSA-1024 key and a SHA-1 signature;
// Go checks neither and sends both; Node's OpenSSL at level 1 sends RSA-1024 and refuses SHA-1.
// What the client sends, the harness's server (level 2) then refuses in mode 2; mode 1 never
// asks for it. Before, every profile loaded its certificate in C-core at level 2 and all were
// client_config_error.
TEST_F(CellTest, ClientLoadsItsOwnCertificateAsItsStackDoes) {
  scenario::Scenario weak_key = valid_scenario();
  weak_key.certs[2].key_type = certs::KeyType::rsa1024;
  scenario::Scenario sha1 = valid_scenario();
  sha1.certs[2].digest = "sha1";
  for (int mode : {1, 2}) {
    EXPECT_EQ(run(weak_key, mode), failing(verdict::Reason::client_config_error)) << mode;
    EXPECT_EQ(run(sha1, mode), failing(verdict::Reason::client_config_error)) << mode;
    EXPECT_EQ(run(sha1, mode, "node"), failing(verdict::Reason::client_config_error)) << mode;
  }
  EXPECT_EQ(run(weak_key, 1, "go"), kPass);
  EXPECT_EQ(run(weak_key, 1, "node"), kPass);
  EXPECT_EQ(run(sha1, 1, "go"), kPass);
  EXPECT_EQ(run(weak_key, 2, "go"), failing(verdict::Reason::client_cert_invalid));
  EXPECT_EQ(run(weak_key, 2, "node"), failing(verdict::Reason::client_cert_invalid));
  EXPECT_EQ(run(sha1, 2, "go"), failing(verdict::Reason::client_cert_invalid));
  // A SHA-1-signed intermediate in the client's chain: C-core loads it but will not send it (only
  // mode 2 asks), Node will not load it, Go sends it and the harness's server refuses it at depth 1.
  scenario::Scenario sha1_inter = valid_scenario();
  certs::CertSpec inter = ca_spec("inter", "Client Intermediate", "ca");
  inter.digest = "sha1";
  sha1_inter.certs.push_back(inter);
  sha1_inter.certs[2].issuer = "inter";
  sha1_inter.client.client_chain = {"inter"};
  EXPECT_EQ(run(sha1_inter, 1), kPass);
  EXPECT_EQ(run(sha1_inter, 2), failing(verdict::Reason::client_config_error));
  EXPECT_EQ(run(sha1_inter, 1, "node"), failing(verdict::Reason::client_config_error));
  EXPECT_EQ(run(sha1_inter, 2, "go"), failing(verdict::Reason::client_cert_invalid));
}

TEST_F(CellTest, LoneCaPemPathMeansDefaultRoots) {
  scenario::Scenario s = valid_scenario();
  s.client.client_pem_path.clear();  // rule 3 incomplete: the CA is ignored
  EXPECT_EQ(run(s, 1), failing(verdict::Reason::unknown_ca));
}

// client.dial "[::1]": the server listens on ::1 only, so a pass went over IPv6; with no
// server_name the name checked is ::1, which a SAN naming 127.0.0.1 does not hold.
TEST_F(CellTest, DialIpv6ConnectsOverIpv6AndChecksThatAddress) {
  if (std::string why = net::ipv6_loopback_missing(); !why.empty()) GTEST_SKIP() << why;
  scenario::Scenario s = valid_scenario();
  s.client.dial = "[::1]";
  s.client.server_name.clear();
  for (const char* p : {"grpc-core", "go", "node"}) {
    EXPECT_EQ(run(s, 0, p), kPass) << p;
    EXPECT_EQ(run(s, 1, p), failing(verdict::Reason::hostname_mismatch)) << p;
  }
  s.certs[1].sans = {"IP:::1"};
  for (const char* p : {"grpc-core", "go", "node"}) {
    for (int mode : scenario::kModes) EXPECT_EQ(run(s, mode, p), kPass) << "mode " << mode << " " << p;
  }
}

TEST_F(CellTest, DialLocalhostChecksTheName) {
  scenario::Scenario s = valid_scenario();
  s.client.dial = "localhost";
  s.client.server_name.clear();
  s.certs[1].sans = {"DNS:localhost"};
  for (int mode : scenario::kModes) EXPECT_EQ(run(s, mode), kPass) << "mode " << mode;
}

// client.tls_max 1.2: the harness's server takes it; Milvus's (TLS 1.3 minimum in mode 2)
// refuses the ClientHello and says why. A server held to 1.2 refuses a 1.3-only client.
TEST_F(CellTest, TlsVersionsOnEitherSide) {
  scenario::Scenario s = valid_scenario();
  s.client.tls_max = "1.2";
  const verdict::ServerProfile& milvus = *verdict::find_server_profile("milvus");
  certs::CertSet certs = certs::build_cert_set(s.certs);
  for (const char* p : {"grpc-core", "go", "node"}) {
    EXPECT_EQ(run(s, 2, p), kPass) << p;
    runner::CellResult c = runner::run_cell(s, certs, 2, *verdict::find_profile(p), 30000ms, 0ms, milvus);
    EXPECT_EQ(c.actual, failing(verdict::Reason::protocol_mismatch)) << p << ": " << c.detail;
    EXPECT_NE(c.detail.find("the client offers only TLS 1.2; this server accepts TLS 1.3"), std::string::npos)
        << c.detail;
    EXPECT_EQ(runner::run_cell(s, certs, 1, *verdict::find_profile(p), 30000ms, 0ms, milvus).actual, kPass) << p;
  }
  s.client.tls_max.clear();
  s.client.tls_min = "1.3";
  s.server.tls_max = "1.2";
  for (const char* p : {"grpc-core", "go", "node"}) {
    EXPECT_EQ(run(s, 1, p), failing(verdict::Reason::protocol_mismatch)) << p;
  }
  s.client.tls_min.clear();
  for (const char* p : {"grpc-core", "go", "node"}) EXPECT_EQ(run(s, 2, p), kPass) << p;
}

TEST(CheckedName, IsTheOverrideElseTheDialledHostWithoutBrackets) {
  endpoints::ClientSetup c;
  EXPECT_EQ(endpoints::checked_name(c), "127.0.0.1");
  c.dial_host = "[::1]";
  EXPECT_EQ(endpoints::checked_name(c), "::1");
  c.dial_host = "localhost";
  EXPECT_EQ(endpoints::checked_name(c), "localhost");
  c.server_name = "milvus.example";
  EXPECT_EQ(endpoints::checked_name(c), "milvus.example");
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// The grpc-core engine's name rules against the real gRPC C-core client: each row is served by a
// real server and checked by SslCredentials; the handshake's pass/fail must equal the engine's,
// and the runner must name the engine's reason without a disagreement. A row where gRPC behaves
// differently from the engine fails here, not silently in a catalogue run.
TEST_F(CellTest, GrpcCoreEngineAgreesWithRealClientOnNames) {
  struct Row {
    std::string cn;
    std::vector<std::string> sans;
    std::string name;
    verdict::Reason want;
  };
  const auto ok = verdict::Reason::ok, bad = verdict::Reason::hostname_mismatch;
  const std::vector<Row> rows = {
      {"localhost", {}, "localhost", ok},                           // CN used: no SAN at all
      {"localhost", {"URI:spiffe://a/b"}, "localhost", bad},        // any SAN disables the CN
      {"localhost", {"IP:127.0.0.1"}, "localhost", bad},
      {"127.0.0.1", {}, "127.0.0.1", bad},                          // an IP never uses the CN
      {"x", {"DNS:127.0.0.1"}, "127.0.0.1", ok},                    // IP compared as text
      {"x", {"DNS:*.example.com"}, "a.example.com", ok},
      {"x", {"DNS:*.example.com"}, "a.b.example.com", bad},
      {"x", {"DNS:*.example.com"}, "example.com", bad},
      {"x", {"DNS:*.com"}, "example.com", bad},
      {"x", {"DNS:f*.example.com"}, "foo.example.com", bad},
      {"x", {"DNS:LocalHost"}, "localhost", ok},
      {"*.example.com", {}, "a.example.com", ok},
  };
  for (const auto& row : rows) {
    scenario::Scenario s = valid_scenario();
    s.certs[1].cn = row.cn;
    s.certs[1].sans = row.sans;
    s.client.server_name = row.name;
    verdict::Verdict got = run(s, 1);
    EXPECT_EQ(got, (row.want == ok ? kPass : failing(row.want)))
        << "cn=" << row.cn << " sans=" << (row.sans.empty() ? "" : row.sans[0]) << " name=" << row.name;
  }
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// A deadline that has already passed: the RPC ends with DEADLINE_EXCEEDED and nothing else went
// wrong, so the cell is a timeout (never a guess at another reason).
TEST_F(CellTest, ExpiredDeadlineIsTimeout) {
  scenario::Scenario s = valid_scenario();
  certs::CertSet certs = certs::build_cert_set(s.certs);
  runner::CellResult c = runner::run_cell(s, certs, 1, *verdict::find_profile("grpc-core"), 0ms);
  EXPECT_EQ(c.actual, failing(verdict::Reason::timeout)) << c.detail;
}

// pymilvus cannot build its channel from a client key that does not match client.pem.
TEST_F(CellTest, ClientFilesThatDoNotLoad) {
  scenario::Scenario s = valid_scenario();
  s.client.client_key_path = "server";
  EXPECT_EQ(run(s, 0), kPass);  // plaintext reads no files
  EXPECT_EQ(run(s, 2), failing(verdict::Reason::client_config_error));
}

// A set the factory refuses (a CN over X.509's 64 characters, built here past the loader, which
// would refuse it first) is bad input naming the scenario file, and the run stops there: the
// valid scenario after it gets no cell. One job makes that order deterministic.
TEST_F(CellTest, ASetThatCannotBeBuiltStopsTheRunNamingItsFile) {
  scenario::Scenario bad = valid_scenario();
  bad.name = "unit-bad";
  bad.file = "scenarios/bad/long-cn.yaml";
  bad.certs[1].cn = std::string(65, 'a');
  runner::RunOptions options;
  options.modes = {1};
  options.profiles = {"grpc-core"};
  options.jobs = 1;
  int cells = 0;
  options.on_cell_done = [&cells](int, int, const runner::CellResult&) { ++cells; };
  try {
    runner::run_scenarios({bad, valid_scenario()}, options);
    FAIL() << "the run accepted a set OpenSSL cannot build";
  } catch (const io::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("scenarios/bad/long-cn.yaml: certificate 'server'", 0), 0u)
        << e.what();
  }
  EXPECT_EQ(cells, 0);
}

// A harness disagreement is a typed flag carried from classify through run_cell, not found by
// searching the cell's detail: a certificate whose CN is the marker's text, in a detail that
// quotes it, is no harness bug. Before, the run added a "HARNESS DISAGREEMENT in ..." note here.
TEST_F(CellTest, ADetailQuotingTheDisagreementMarkerIsNoDisagreement) {
  scenario::Scenario s = valid_scenario();
  s.name = "unit-marker-cn";
  s.certs[1].cn = std::string(verdict::kDisagreementMarker);
  s.certs[1].not_after = -1h;
  s.expect[1].verdict = verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_cert_expired};
  runner::RunOptions options;
  options.modes = {1};
  options.profiles = {"go"};
  options.jobs = 1;
  runner::RunResult run = runner::run_scenarios({s}, options);
  ASSERT_EQ(run.cells.size(), 1u);
  const runner::CellResult& cell = run.cells[0];
  ASSERT_NE(cell.detail.find(verdict::kDisagreementMarker), std::string::npos) << cell.detail;
  EXPECT_FALSE(cell.disagreement) << cell.detail;
  for (const auto& note : run.notes) {
    EXPECT_EQ(note.find(std::string(verdict::kDisagreementMarker) + " in"), std::string::npos) << note;
  }
}

}  // namespace
}  // namespace tlsmatrix
