// Unit tests of the probe's parts, and of run_probe against a small in-process OpenSSL server
// (so the sanitizer build exercises the whole client path: callbacks, chains, alerts).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "harness/certs/cert_factory.h"
#include "harness/ossl/tls_alert.h"
#include "harness/probe/cert_info.h"
#include "harness/probe/endpoint.h"
#include "harness/probe/h2_frames.h"
#include "harness/probe/probe.h"
#include "harness/probe/profile_check.h"
#include "harness/probe/tls_attempt.h"
#include "reports/common/text_util.h"
#include "reports/probe/probe_console.h"
#include "reports/probe/probe_json.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix::probe {
namespace {

TEST(ProbeH2, ClassifiesReplies) {
  EXPECT_EQ(h2_client_preface().size(), 24u + 9u);
  // SETTINGS with one setting (6 bytes), stream 0.
  std::string settings("\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64", 15);
  EXPECT_EQ(classify_reply(settings), ReplyKind::h2_settings);
  EXPECT_EQ(classify_reply(std::string("\x15\x03\x03\x00\x02\x02\x46", 7)), ReplyKind::tls_alert);
  EXPECT_EQ(classify_reply(std::string("\x16\x03\x01\x00\x10", 5)), ReplyKind::tls_other);
  EXPECT_EQ(classify_reply("HTTP/1.1 400 Bad Request\r\n"), ReplyKind::http1);
  EXPECT_EQ(classify_reply("SSH-2.0-OpenSSH_9.2p1\r\n"), ReplyKind::other);
  // A DATA frame first is not a server preface.
  EXPECT_EQ(classify_reply(std::string("\x00\x00\x00\x00\x00\x00\x00\x00\x01", 9)), ReplyKind::other);
}

TEST(ProbeTls, NamesAlertsIncludingTls13Ones) {
  EXPECT_EQ(ossl::alert_name(116), "certificate required");
  EXPECT_EQ(ossl::alert_name(48), "unknown CA");
  EXPECT_EQ(ossl::alert_name(40), "handshake failure");
}

// A CA, a server leaf for localhost/127.0.0.1, a CN-only leaf, an expired leaf, a client leaf.
certs::CertSet test_certs() {
  using testutil::leaf_spec;
  std::vector<certs::CertSpec> specs{testutil::ca_spec("ca", "probe test CA"),
                              leaf_spec("server", "ca", "localhost", {"DNS:localhost", "IP:127.0.0.1"}, {"serverAuth"}),
                              leaf_spec("cn_only", "ca", "localhost"),
                              leaf_spec("expired", "ca", "localhost", {"DNS:localhost"}),
                              leaf_spec("client", "ca", "client", {}, {"clientAuth"})};
  specs[3].not_before = -std::chrono::hours(48);
  specs[3].not_after = -std::chrono::hours(24);
  return certs::build_cert_set(specs);
}

TEST(ProbeCertInfo, DescribesALeaf) {
  certs::CertSet set = test_certs();
  CertInfo info = describe_cert(set.get("server").cert.get());
  EXPECT_EQ(info.subject, "CN=localhost");
  EXPECT_EQ(info.issuer, "CN=probe test CA");
  EXPECT_EQ(info.sans, (std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"}));
  EXPECT_EQ(info.key_detail, "EC P-256");
  EXPECT_EQ(info.signature_digest, "SHA256");
  EXPECT_GT(info.days_left, 300);
  EXPECT_FALSE(info.expired);
  // The exporter's expiry timestamp is the certificate's own notAfter.
  std::tm tm{};
  ASSERT_EQ(ASN1_TIME_to_tm(X509_get0_notAfter(set.get("server").cert.get()), &tm), 1);
  EXPECT_EQ(info.not_after_unix, static_cast<std::int64_t>(timegm(&tm)));
  CertInfo old = describe_cert(set.get("expired").cert.get());
  EXPECT_TRUE(old.expired);
  EXPECT_LT(old.days_left, 0);
}

// The profile table of README.md ("Client profiles"): where grpc-core, go and node disagree.
TEST(ProbeProfiles, JudgeChainsLikeTheClientStacks) {
  certs::CertSet set = test_certs();
  X509* ca = set.get("ca").cert.get();
  auto verdict = [&](const char* profile, const char* leaf, X509* trust, const char* name) {
    return verify_as_profile(profile, {set.get(leaf).cert.get()}, {trust}, name).reason;
  };
  for (const char* p : {"grpc-core", "go", "node"}) {
    EXPECT_EQ(verdict(p, "server", ca, "localhost"), verdict::Reason::ok) << p;
    EXPECT_EQ(verdict(p, "server", ca, "127.0.0.1"), verdict::Reason::ok) << p;
    EXPECT_EQ(verdict(p, "server", ca, "other.example"), verdict::Reason::hostname_mismatch) << p;
    EXPECT_EQ(verdict(p, "expired", ca, "localhost"), verdict::Reason::server_cert_expired) << p;
  }
  // Name only in the CN: Go alone refuses.
  EXPECT_EQ(verdict("grpc-core", "cn_only", ca, "localhost"), verdict::Reason::ok);
  EXPECT_EQ(verdict("go", "cn_only", ca, "localhost"), verdict::Reason::hostname_mismatch);
  EXPECT_EQ(verdict("node", "cn_only", ca, "localhost"), verdict::Reason::ok);
  // The CA-signed leaf as the only root: Node alone refuses.
  X509* leaf = set.get("server").cert.get();
  EXPECT_EQ(verdict("grpc-core", "server", leaf, "localhost"), verdict::Reason::ok);
  EXPECT_EQ(verdict("go", "server", leaf, "localhost"), verdict::Reason::ok);
  EXPECT_EQ(verdict("node", "server", leaf, "localhost"), verdict::Reason::unknown_ca);
}

// A listening socket on 127.0.0.1 with a port from the OS.
int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

// A minimal TLS server on 127.0.0.1:0 with a given client-certificate policy. Each connection
// is handshaken and then held until the client closes (or 5 s pass).
class TinyTlsServer {
 public:
  // `plaintext_too`: a connection whose first byte is not a TLS handshake record gets an
  // HTTP/2 SETTINGS frame instead, as a multiplexer serving both on one port would.
  // `extra_chain`: this many copies of the CA follow the leaf in the Certificate message.
  TinyTlsServer(const certs::CertSet& set, int verify_mode, const std::string& leaf = "server",
                bool plaintext_too = false, int extra_chain = 0)
      : plaintext_too_(plaintext_too) {
    ctx_.reset(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_use_certificate(ctx_.get(), set.get(leaf).cert.get());
    SSL_CTX_use_PrivateKey(ctx_.get(), set.get(leaf).key.get());
    for (int i = 0; i < extra_chain; ++i) {
      // The SSL_CTX takes the reference.
      SSL_CTX_add_extra_chain_cert(ctx_.get(), ossl::up_ref(set.get("ca").cert.get()).release());
    }
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_.get()), set.get("ca").cert.get());
    SSL_CTX_set_verify(ctx_.get(), verify_mode, nullptr);
    listen_fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] { serve(); });
  }
  ~TinyTlsServer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  void serve() {
    while (!stop_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      timeval tv{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      unsigned char first = 0;
      if (plaintext_too_ && ::recv(fd, &first, 1, MSG_PEEK) == 1 && first != 0x16) {
        static const char kSettings[] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
        ::send(fd, kSettings, sizeof kSettings, MSG_NOSIGNAL);
        char buf[256];
        while (::recv(fd, buf, sizeof buf, 0) > 0) {
        }
        ::close(fd);
        continue;
      }
      ossl::SslPtr ssl(SSL_new(ctx_.get()));
      SSL_set_fd(ssl.get(), fd);
      if (SSL_accept(ssl.get()) == 1) {
        char buf[256];
        while (SSL_read(ssl.get(), buf, sizeof buf) > 0) {
        }
      }
      ossl::drain_errors();
      ::close(fd);
    }
  }

  bool plaintext_too_ = false;
  ossl::SslCtxPtr ctx_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

ProbeOptions options_for(const TinyTlsServer& server, const certs::CertSet& set) {
  ProbeOptions o;
  o.endpoint = net::parse_host_port("127.0.0.1:" + std::to_string(server.port()));
  o.server_name = "localhost";
  o.timeout = std::chrono::milliseconds(2000);
  o.trust.push_back(ossl::up_ref(set.get("ca").cert.get()));
  o.trust_file = "ca.pem";
  return o;
}

const Finding* find_check(const ProbeReport& r, const std::string& id) {
  for (const auto& c : r.checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// A port nothing listens on: bound, then closed.
int refused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A name that never became an address is told from a refused port by a typed flag on the
// connection (before: by matching the start of net::resolve's message), and only it is told to
// check the host name.
TEST(ProbeRun, AnUnresolvedNameIsToldFromARefusedPortByItsKind) {
  const auto deadline = [] { return Deadline(std::chrono::milliseconds(3000)); };
  ConnectResult name = connect_tcp(net::parse_host_port("nosuch.invalid:1"), deadline());
  EXPECT_FALSE(name.socket);
  EXPECT_TRUE(name.unresolved) << name.error;
  const std::string refused = "127.0.0.1:" + std::to_string(refused_port());
  ConnectResult port = connect_tcp(net::parse_host_port(refused), deadline());
  EXPECT_FALSE(port.socket);
  EXPECT_FALSE(port.unresolved) << port.error;

  for (const auto& [target, hint] :
       {std::pair<std::string, std::string>{"nosuch.invalid:1", "check the host name"},
        {refused, "is the server running"}}) {
    ProbeOptions o;
    o.endpoint = net::parse_host_port(target);
    o.timeout = std::chrono::milliseconds(3000);
    ProbeReport r = run_probe(std::move(o));
    const Finding* c = find_check(r, "tcp_connect");
    ASSERT_NE(c, nullptr) << target;
    EXPECT_EQ(c->severity, Severity::error) << target;
    EXPECT_EQ(c->fix.rfind(hint, 0), 0u) << target << ": " << c->fix;
  }
}

TEST(ProbeRun, InfersModeOneAndReadsTheChain) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_NONE);
  ProbeReport r = run_probe(options_for(server, set));
  ASSERT_TRUE(r.inferred_mode.has_value());
  EXPECT_EQ(*r.inferred_mode, 1);
  EXPECT_TRUE(r.passed());
  ASSERT_FALSE(r.chain.empty());
  EXPECT_EQ(r.chain[0].subject, "CN=localhost");
  EXPECT_EQ(r.tls_version, "TLSv1.3");
  ASSERT_NE(find_check(r, "chain.go"), nullptr);
  EXPECT_EQ(find_check(r, "chain.go")->severity, Severity::ok);
  ASSERT_TRUE(r.handshake_time.has_value());  // the exporter's handshake latency
  EXPECT_GT(r.handshake_time->count(), 0);
}

TEST(ProbeRun, JudgesTheChainForTheChosenProfilesOnly) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_NONE);
  ProbeOptions o = options_for(server, set);
  o.profiles = {"node"};
  ProbeReport r = run_probe(std::move(o));
  EXPECT_NE(find_check(r, "chain.node"), nullptr);
  EXPECT_EQ(find_check(r, "chain.go"), nullptr);
  EXPECT_EQ(find_check(r, "chain.grpc-core"), nullptr);
}

TEST(ProbeRun, InfersModeTwoWhenTheServerRequiresACertificate) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  ProbeOptions o = options_for(server, set);
  ClientIdentity id;
  id.chain.push_back(ossl::up_ref(set.get("client").cert.get()));
  id.key = ossl::up_ref(set.get("client").key.get());
  o.client = std::move(id);
  o.client_pem_file = "client.pem";
  ProbeReport r = run_probe(std::move(o));
  ASSERT_TRUE(r.inferred_mode.has_value());
  EXPECT_EQ(*r.inferred_mode, 2);
  for (const char* id : {"client_cert_required", "unrelated_ca_rejected", "client_cert_accepted"}) {
    ASSERT_NE(find_check(r, id), nullptr) << id;
    EXPECT_EQ(find_check(r, id)->severity, Severity::ok) << id << ": " << find_check(r, id)->message;
  }
  EXPECT_TRUE(r.passed());
}

TEST(ProbeRun, FlagsAServerThatAsksButDoesNotRequire) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_PEER);
  ProbeReport r = run_probe(options_for(server, set));
  EXPECT_TRUE(r.asks_for_client_cert);
  const Finding* c = find_check(r, "client_cert_required");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->severity, Severity::error);
  EXPECT_NE(c->message.find("not safe as mode 2: accepts unauthenticated clients"), std::string::npos);
  EXPECT_FALSE(r.passed());
}

TEST(ProbeRun, ReportsAnExpiredServerCertificate) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_NONE, "expired");
  ProbeReport r = run_probe(options_for(server, set));
  const Finding* validity = find_check(r, "leaf_validity");
  ASSERT_NE(validity, nullptr);
  EXPECT_EQ(validity->severity, Severity::error);
  EXPECT_EQ(validity->reason, verdict::Reason::server_cert_expired);
  for (const auto& profile : probe_profiles()) {
    const Finding* c = find_check(r, "chain." + profile);
    ASSERT_NE(c, nullptr) << profile;
    EXPECT_EQ(c->reason, verdict::Reason::server_cert_expired) << profile;
  }
  EXPECT_FALSE(r.passed());
}

// TLS and plaintext on one port: TLS there protects nothing, so "rejects plaintext" must fail.
TEST(ProbeRun, FailsAPortThatTakesTlsAndPlaintext) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_NONE, "server", /*plaintext_too=*/true);
  ProbeOptions o = options_for(server, set);
  o.expected_mode = 1;
  ProbeReport r = run_probe(std::move(o));
  ASSERT_TRUE(r.inferred_mode.has_value());
  EXPECT_EQ(*r.inferred_mode, 0);
  const Finding* c = find_check(r, "rejects_plaintext");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->severity, Severity::error);
  EXPECT_FALSE(r.chain.empty());
  EXPECT_FALSE(r.passed());
}

// A bare plaintext HTTP/2 server: answers whatever arrives with an empty SETTINGS frame.
class PlainH2Server {
 public:
  PlainH2Server() {
    listen_fd_ = listen_on_loopback(port_);
    thread_ = std::thread([this] {
      for (;;) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        timeval tv{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[512];
        if (::recv(fd, buf, sizeof buf, 0) > 0) {
          static const char kSettings[] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
          ::send(fd, kSettings, sizeof kSettings, MSG_NOSIGNAL);
          while (::recv(fd, buf, sizeof buf, 0) > 0) {
          }
        }
        ::close(fd);
      }
    });
  }
  ~PlainH2Server() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// The user gave TLS client files, the endpoint serves plaintext: clients configured with those
// files fail (tls_to_plaintext), so the probe must fail, not pass with a warning.
TEST(ProbeRun, FailsAPlaintextEndpointProbedWithTlsFiles) {
  certs::CertSet set = test_certs();
  PlainH2Server server;
  ProbeOptions o;
  o.endpoint = net::parse_host_port("127.0.0.1:" + std::to_string(server.port()));
  o.timeout = std::chrono::milliseconds(2000);
  o.trust.push_back(ossl::up_ref(set.get("ca").cert.get()));
  o.trust_file = "ca.pem";
  ProbeReport r = run_probe(std::move(o));
  ASSERT_TRUE(r.inferred_mode.has_value());
  EXPECT_EQ(*r.inferred_mode, 0);
  const Finding* c = find_check(r, "tls_files_unused");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->severity, Severity::error);
  EXPECT_EQ(c->reason, verdict::Reason::tls_to_plaintext);
  EXPECT_NE(c->message.find("serves plaintext"), std::string::npos) << c->message;
  EXPECT_FALSE(r.passed());
}

// --trust holds a self-signed root that is simply not the server's CA. Node fails like every
// stack (unknown_ca), and its advice must not be the one for a CA-signed trust file.
TEST(ProbeRun, AdvisesTheServersIssuerForAnUnrelatedRoot) {
  certs::CertSet set = test_certs();
  certs::CertSet other_set = certs::build_cert_set({testutil::ca_spec("other-ca", "some other CA")});
  TinyTlsServer server(set, SSL_VERIFY_NONE);
  ProbeOptions o = options_for(server, set);
  o.trust.clear();
  o.trust.push_back(ossl::up_ref(other_set.get("other-ca").cert.get()));
  o.trust_file = "other-ca.pem";
  ProbeReport r = run_probe(std::move(o));
  for (const auto& profile : probe_profiles()) {
    const Finding* c = find_check(r, "chain." + profile);
    ASSERT_NE(c, nullptr) << profile;
    EXPECT_EQ(c->reason, verdict::Reason::unknown_ca) << profile;
    EXPECT_EQ(c->fix.find("CA-signed"), std::string::npos) << profile << ": " << c->fix;
    EXPECT_NE(c->fix.find("CN=probe test CA"), std::string::npos) << profile << ": " << c->fix;
  }
}

// --trust holds the server's own CA-signed certificate: only Node refuses, and it is told to
// trust the self-signed root that issued it.
TEST(ProbeRun, TellsNodeToTrustTheRootInsteadOfTheServerCertificate) {
  certs::CertSet set = test_certs();
  TinyTlsServer server(set, SSL_VERIFY_NONE);
  ProbeOptions o = options_for(server, set);
  o.trust.clear();
  o.trust.push_back(ossl::up_ref(set.get("server").cert.get()));
  o.trust_file = "server.pem";
  ProbeReport r = run_probe(std::move(o));
  ASSERT_NE(find_check(r, "chain.go"), nullptr);
  EXPECT_EQ(find_check(r, "chain.go")->severity, Severity::ok);
  const Finding* node = find_check(r, "chain.node");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->reason, verdict::Reason::unknown_ca);
  EXPECT_NE(node->fix.find("self-signed root"), std::string::npos) << node->fix;
  EXPECT_NE(node->fix.find("CN=probe test CA"), std::string::npos) << node->fix;
}

// A 3000-certificate chain: the probe's own OpenSSL client stops the handshake (certificate list
// beyond its limit). The server decided nothing, so no negative check may pass and the report may
// not pass; the check that met the limit is inconclusive.
TEST(ProbeRun, AnOversizedChainIsInconclusiveNotAPass) {
  certs::CertSet set = test_certs();
  for (int verify : {SSL_VERIFY_NONE, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT}) {
    TinyTlsServer server(set, verify, "server", false, /*extra_chain=*/2999);
    ProbeOptions o = options_for(server, set);
    o.expected_mode = 2;
    ProbeReport r = run_probe(std::move(o));
    bool named = false;
    for (const auto& c : r.checks) {
      if (c.id == "client_cert_required" || c.id == "unrelated_ca_rejected") {
        EXPECT_NE(c.severity, Severity::ok) << verify << ": " << c.id << ": " << c.message;
      }
      if (c.message.find("excessive message size") != std::string::npos) {
        named = true;
        EXPECT_EQ(to_string(c.severity), "inconclusive") << verify << ": " << c.id;
      }
      EXPECT_EQ(c.fix.find("ALPN"), std::string::npos) << verify << ": " << c.id << ": " << c.fix;
    }
    EXPECT_TRUE(named) << verify << ": no check names the probe's own failure";
    EXPECT_FALSE(r.passed()) << verify;
  }
}

// The terminal report: marks, fixes beneath, long text wrapped within the width, and nothing
// from the peer can reach the terminal as a control sequence.
TEST(ProbeReportText, WrapsAndNeutralisesPeerText) {
  ProbeReport r;
  r.endpoint = "127.0.0.1:19530";
  r.server_name = "localhost";
  r.timeout = std::chrono::milliseconds(5000);
  r.inferred_mode = 1;
  CertInfo leaf;
  leaf.subject = "CN=evil\033[2J";
  leaf.sans = {"DNS:bad\x1b[31mname"};
  leaf.sans[0][7] = '\x1b';  // a raw ESC as a hostile SAN would carry it
  r.chain.push_back(leaf);
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "word" + std::to_string(i) + " ";
  r.checks.push_back(Finding{"client_cert_required", Severity::error, "a client without a certificate is turned away",
                           long_text,
                           "make the server require client certificates", verdict::Reason::client_cert_missing, {}, {}});
  r.checks.push_back(Finding{"chain", Severity::warning, "the chain verifies", "not checked", "pass --trust", {}, {}, {}});
  reports::ConsoleOptions o;
  o.width = 80;
  std::string text = reports::render_probe_console(r, o);
  EXPECT_NE(text.find("✗ a client without a certificate is turned away"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: make the server require client certificates"), std::string::npos);
  EXPECT_NE(text.find("! the chain verifies"), std::string::npos);
  EXPECT_NE(text.find("result: 1 check failed, 1 warning"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "an escape byte reached the terminal";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(reports::display_width(line), 80u) << line;
  }
  std::string json = reports::probe_json(r);
  EXPECT_NE(json.find("\"tls_mode\": 1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"reason\": \"client_cert_missing\""), std::string::npos) << json;
}

}  // namespace
}  // namespace tlsmatrix::probe
