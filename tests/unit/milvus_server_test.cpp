// The `milvus` server profile: the harness's gRPC server set to decide as Milvus's Go proxy does.
// Go's crypto/x509 rules for a client chain (go_verify_chain) against OpenSSL's, and the knobs
// reached through gRPC's SSL_CTX (TLS 1.3 floor in mode 2, CA names, a trailing-dot SNI refused,
// weak server certificates served), each seen by a real OpenSSL client over loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/tls_server.h"
#include "harness/runner/cell_setup.h"
#include "harness/runner/runner.h"
#include "harness/verdict/go_x509.h"
#include "harness/verdict/server_profile.h"

namespace tlsmatrix {
namespace {

using namespace std::chrono_literals;

certs::CertSpec spec(std::string name, std::string issuer, std::string cn, bool ca = false) {
  certs::CertSpec s;
  s.name = std::move(name);
  s.issuer = std::move(issuer);
  s.cn = std::move(cn);
  s.ca = ca;
  s.key_type = certs::KeyType::ec_p256;
  if (!ca) s.sans = {"DNS:localhost"};
  return s;
}

const verdict::ServerProfile& milvus() { return *verdict::find_server_profile("milvus"); }

int go_error(const certs::CertSet& set, const std::string& leaf, const std::string& anchor) {
  return verdict::go_verify_chain(set.get(leaf).cert.get(), {}, {set.get(anchor).cert.get()}, x509::Peer::client).error;
}

int openssl_error(const certs::CertSet& set, const std::string& leaf, const std::string& anchor) {
  // As the harness's own server checks a client chain (tls_server.cpp).
  return x509::verify(set.get(leaf).cert.get(), {}, {set.get(anchor).cert.get()},
                      {.peer = x509::Peer::client,
                       .check_purpose = true,
                       .partial_chain = true,
                       .trusted_first = true,
                       .auth_level = x509::kProcessSecurityLevel})
      .error;
}

TEST(GoX509, IgnoresTheLeafKeyUsageWhereOpenSslRefusesIt) {
  std::vector<certs::CertSpec> specs{spec("ca", "", "CA", true), spec("client", "ca", "client")};
  specs[1].key_usage = std::vector<std::string>{"keyCertSign"};
  certs::CertSet set = certs::build_cert_set(specs);
  EXPECT_NE(openssl_error(set, "client", "ca"), X509_V_OK);
  EXPECT_EQ(go_error(set, "client", "ca"), X509_V_OK);
}

TEST(GoX509, AcceptsAnRsa1024CaWhereOpenSslRefusesIt) {
  std::vector<certs::CertSpec> specs{spec("ca", "", "CA", true), spec("client", "ca", "client")};
  specs[0].key_type = certs::KeyType::rsa1024;
  certs::CertSet set = certs::build_cert_set(specs);
  EXPECT_NE(openssl_error(set, "client", "ca"), X509_V_OK);
  EXPECT_EQ(go_error(set, "client", "ca"), X509_V_OK);
}

TEST(GoX509, ChecksExtendedKeyUsageOnTheTrustAnchorToo) {
  std::vector<certs::CertSpec> specs{spec("ca", "", "CA", true), spec("client", "ca", "client")};
  specs[0].ext_key_usage = {"serverAuth"};
  certs::CertSet set = certs::build_cert_set(specs);
  EXPECT_EQ(go_error(set, "client", "ca"), X509_V_ERR_INVALID_PURPOSE);
}

TEST(GoX509, RefusesSha1BelowTheAnchorOnly) {
  std::vector<certs::CertSpec> specs{spec("ca", "", "CA", true), spec("client", "ca", "client"),
                              spec("old-ca", "", "Old CA", true), spec("client2", "old-ca", "client2")};
  specs[1].digest = "sha1";
  specs[2].digest = "sha1";  // the anchor's own signature is never checked
  certs::CertSet set = certs::build_cert_set(specs);
  EXPECT_EQ(go_error(set, "client", "ca"), X509_V_ERR_CA_MD_TOO_WEAK);
  EXPECT_EQ(go_error(set, "client2", "old-ca"), X509_V_OK);
}

TEST(GoX509, AnExpiredLeafIsExpiredWhateverItsIssuer) {
  std::vector<certs::CertSpec> specs{spec("ca", "", "CA", true), spec("client", "ca", "client"),
                              spec("other", "", "Other CA", true)};
  specs[1].not_before = std::chrono::hours(-48);
  specs[1].not_after = std::chrono::hours(-24);
  certs::CertSet set = certs::build_cert_set(specs);
  // OpenSSL meets the unknown issuer first; Go the leaf's dates.
  EXPECT_EQ(x509::classify_x509_error(openssl_error(set, "client", "other")), x509::ChainFault::untrusted);
  EXPECT_EQ(go_error(set, "client", "other"), X509_V_ERR_CERT_HAS_EXPIRED);
}

// A raw OpenSSL client: what a server's ClientHello handling and CertificateRequest look like.
struct RawHandshake {
  bool ok = false;
  std::string error;  // OpenSSL's words when the handshake failed
  std::vector<std::string> ca_names;
};

RawHandshake raw_handshake(int port, const std::string& sni, int max_version, const certs::CertSet* set = nullptr) {
  RawHandshake out;
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (max_version > 0) SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  if (set != nullptr) {
    SSL_CTX_use_certificate(ctx.get(), set->get("client").cert.get());
    SSL_CTX_use_PrivateKey(ctx.get(), set->get("client").key.get());
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return out;
  }
  ossl::SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
  SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>("\x02h2"), 3);
  out.ok = SSL_connect(ssl.get()) == 1;
  if (!out.ok) {
    char buf[256];
    ERR_error_string_n(ERR_peek_last_error(), buf, sizeof buf);
    out.error = buf;
  }
  ERR_clear_error();
  // A TLS 1.3 server's refusal of the client certificate comes after the client's Finished.
  if (out.ok) {
    char byte;
    SSL_read(ssl.get(), &byte, 1);
  }
  if (STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(ssl.get())) {
    for (int i = 0; i < sk_X509_NAME_num(names); ++i) {
      char buf[256];
      X509_NAME_oneline(sk_X509_NAME_value(names, i), buf, sizeof buf);
      out.ca_names.emplace_back(buf);
    }
  }
  close(fd);
  return out;
}

class MilvusServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runner::silence_grpc_logging(); }
  MilvusServer() {
    set_ = certs::build_cert_set({spec("ca", "", "Milvus Unit CA", true), spec("server", "ca", "localhost"),
                           spec("client", "ca", "client")});
    files_.cert_chain_pem = set_.get("server").cert_pem;
    files_.key_pem = set_.get("server").key_pem;
    files_.ca_pem = set_.get("ca").cert_pem;
  }
  std::unique_ptr<endpoints::TlsServer> start(int mode, const verdict::ServerProfile& profile) {
    std::string error;
    auto server = endpoints::TlsServer::start(mode, files_, &error, {}, nullptr, profile);
    EXPECT_NE(server, nullptr) << error;
    return server;
  }
  certs::CertSet set_;
  endpoints::ServerFiles files_;
};

TEST_F(MilvusServer, TakesOnlyTls13InMode2) {
  auto m = start(2, milvus());
  auto h = start(2, verdict::harness_server_profile());
  auto m1 = start(1, milvus());
  ASSERT_TRUE(m && h && m1);
  RawHandshake to_milvus = raw_handshake(m->port(), "localhost", TLS1_2_VERSION, &set_);
  EXPECT_FALSE(to_milvus.ok);
  // The same client with TLS 1.3 allowed gets in; the harness's own server takes TLS 1.2.
  EXPECT_TRUE(raw_handshake(m->port(), "localhost", 0, &set_).ok);
  EXPECT_TRUE(raw_handshake(h->port(), "localhost", TLS1_2_VERSION, &set_).ok);
  // Mode 1 sets no minimum (credentials.NewServerTLSFromFile).
  EXPECT_TRUE(raw_handshake(m1->port(), "localhost", TLS1_2_VERSION).ok);
}

TEST_F(MilvusServer, NamesTheCaInItsCertificateRequest) {
  auto m = start(2, milvus());
  auto h = start(2, verdict::harness_server_profile());
  ASSERT_TRUE(m && h);
  RawHandshake to_milvus = raw_handshake(m->port(), "localhost", 0, &set_);
  EXPECT_TRUE(to_milvus.ok);
  EXPECT_EQ(to_milvus.ca_names, std::vector<std::string>{"/CN=Milvus Unit CA"});
  EXPECT_TRUE(raw_handshake(h->port(), "localhost", 0, &set_).ca_names.empty());
}

TEST_F(MilvusServer, RefusesAServerNameEndingWithADot) {
  auto m = start(1, milvus());
  auto h = start(1, verdict::harness_server_profile());
  ASSERT_TRUE(m && h);
  RawHandshake dotted = raw_handshake(m->port(), "localhost.", 0);
  EXPECT_FALSE(dotted.ok);
  // The server says why, for the cell's reason (classify: protocol_mismatch).
  EXPECT_NE(m->client_cert().hello_refused.find("'localhost.' ends with a dot"), std::string::npos)
      << m->client_cert().hello_refused;
  EXPECT_TRUE(raw_handshake(m->port(), "localhost", 0).ok);
  EXPECT_TRUE(raw_handshake(h->port(), "localhost.", 0).ok);
}

scenario::Scenario cell_scenario() {
  scenario::Scenario s;
  s.name = "unit-milvus";
  s.file = "unit";
  s.certs = {spec("ca", "", "CA", true), spec("server", "ca", "localhost"), spec("client", "ca", "client"),
             spec("other-ca", "", "Other CA", true), spec("other-client", "other-ca", "client")};
  s.server = {.cert = "server", .chain = {}, .key = "", .ca = {"ca"}, .tls_min = "", .tls_max = ""};
  s.client.ca_pem_path = {"ca"};
  s.client.client_pem_path = "client";
  s.client.server_name = "localhost";
  for (int m : scenario::kModes) s.expect[m] = scenario::Expectation{};
  return s;
}

verdict::Verdict cell(const scenario::Scenario& s, int mode, const char* profile, const verdict::ServerProfile& server) {
  certs::CertSet certs = certs::build_cert_set(s.certs);
  runner::CellResult c = runner::run_cell(s, certs, mode, *verdict::find_profile(profile), 30000ms, runner::kDescriptorWait, server);
  EXPECT_EQ(c.server, server.name);
  EXPECT_EQ(c.detail.find("DISAGREEMENT"), std::string::npos) << c.detail;
  return c.actual;
}

TEST_F(MilvusServer, CellsWithATrailingDotServerNameAreProtocolMismatches) {
  scenario::Scenario s = cell_scenario();
  s.client.server_name = "localhost.";
  EXPECT_EQ(cell(s, 1, "grpc-core", milvus()), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::protocol_mismatch}));
}

TEST_F(MilvusServer, AGoClientWithholdsACertificateFromAnotherCa) {
  scenario::Scenario s = cell_scenario();
  s.client.client_pem_path = "other-client";
  EXPECT_EQ(cell(s, 2, "go", milvus()), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::client_cert_missing}));
  EXPECT_EQ(cell(s, 2, "node", milvus()), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::client_cert_unknown_ca}));
  EXPECT_EQ(cell(s, 2, "go", verdict::harness_server_profile()), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::client_cert_unknown_ca}));
}

TEST_F(MilvusServer, ServesAnRsa1024CertificateTheHarnessWillNotLoad) {
  scenario::Scenario s = cell_scenario();
  s.certs[1].key_type = certs::KeyType::rsa1024;
  EXPECT_EQ(cell(s, 1, "go", milvus()), (verdict::Verdict{verdict::Outcome::pass, verdict::Reason::ok}));
  EXPECT_EQ(cell(s, 1, "grpc-core", milvus()), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_cert_invalid}));
  EXPECT_EQ(cell(s, 1, "go", verdict::harness_server_profile()), (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::server_config_error}));
}

TEST(ServerProfiles, AreData) {
  EXPECT_EQ(verdict::server_profile_names(), (std::vector<std::string>{"harness", "milvus"}));
  EXPECT_EQ(runner::pick_server_profiles({}).size(), 1u);
  EXPECT_EQ(runner::pick_server_profiles({"milvus", "harness"}).front()->name, "harness");
  EXPECT_THROW(runner::pick_server_profiles({"envoy"}), std::invalid_argument);
}

}  // namespace
}  // namespace tlsmatrix
