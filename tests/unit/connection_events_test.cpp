// `serve`'s one line per connection: what a connection's first bytes say (real ClientHellos made
// by OpenSSL), how the closing line is worded from what was seen, how gRPC's reports are tied to
// a connection only when they can be, and the output writer that never holds serving up.
#include <fcntl.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "harness/endpoints/connection_ledger.h"
#include "harness/endpoints/first_bytes.h"
#include "harness/io/input_error.h"
#include "harness/io/line_writer.h"
#include "harness/net/host_port.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix {
namespace {

using Bytes = std::vector<std::uint8_t>;

// The first flight of a real OpenSSL client, offering `alpn` (wire format) when not empty.
Bytes client_hello(const std::string& alpn_wire) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  ossl::SslPtr ssl(SSL_new(ctx.get()));
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), rbio, wbio);  // the SSL owns both from here
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  if (!alpn_wire.empty()) {
    SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(alpn_wire.data()),
                        static_cast<unsigned>(alpn_wire.size()));
  }
  SSL_set_connect_state(ssl.get());
  SSL_do_handshake(ssl.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(wbio, &data);
  return Bytes(data, data + n);
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(FirstBytes, RealClientHelloWithItsAlpnList) {
  Bytes hello = client_hello(std::string("\x02h2\x08http/1.1", 12));
  endpoints::ClientStart c = endpoints::view_client_start(hello);
  EXPECT_EQ(c.kind, endpoints::ClientStart::Kind::hello);
  EXPECT_EQ(c.hello_size, hello.size());
  EXPECT_TRUE(c.alpn_offered);
  EXPECT_EQ(c.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_TRUE(c.offers_h2());

  endpoints::ClientStart none = endpoints::view_client_start(client_hello(""));
  EXPECT_EQ(none.kind, endpoints::ClientStart::Kind::hello);
  EXPECT_FALSE(none.alpn_offered);
  EXPECT_FALSE(none.offers_h2());

  endpoints::ClientStart other = endpoints::view_client_start(client_hello(std::string("\x08http/1.1", 9)));
  EXPECT_TRUE(other.alpn_offered);
  EXPECT_FALSE(other.offers_h2());
}

TEST(FirstBytes, EveryCutOfAHelloIsPartialAndKnowsItsSize) {
  Bytes hello = client_hello(std::string("\x02h2", 3));
  for (std::size_t n = 1; n < hello.size(); ++n) {
    SCOPED_TRACE(n);
    endpoints::ClientStart c = endpoints::view_client_start(std::span(hello).first(n));
    ASSERT_EQ(c.kind, endpoints::ClientStart::Kind::hello_partial);
    EXPECT_EQ(c.have, n);
    EXPECT_EQ(c.hello_size, n >= 5 ? hello.size() : 0u);
  }
}

TEST(FirstBytes, HelloSplitOverTwoRecords) {
  Bytes hello = client_hello(std::string("\x02h2", 3));
  std::size_t body = hello.size() - 5, first = 100;
  Bytes split = {22, 3, 1, static_cast<std::uint8_t>(first >> 8), static_cast<std::uint8_t>(first)};
  split.insert(split.end(), hello.begin() + 5, hello.begin() + 5 + first);
  std::size_t rest = body - first;
  split.insert(split.end(), {22, 3, 1, static_cast<std::uint8_t>(rest >> 8), static_cast<std::uint8_t>(rest)});
  split.insert(split.end(), hello.begin() + 5 + first, hello.end());
  endpoints::ClientStart c = endpoints::view_client_start(split);
  EXPECT_EQ(c.kind, endpoints::ClientStart::Kind::hello);
  EXPECT_TRUE(c.offers_h2());
  EXPECT_EQ(endpoints::view_client_start(std::span(split).first(200)).kind, endpoints::ClientStart::Kind::hello_partial);
}

TEST(FirstBytes, PlaintextAndMalformedStarts) {
  EXPECT_EQ(endpoints::view_client_start({}).kind, endpoints::ClientStart::Kind::nothing);

  endpoints::ClientStart http1 = endpoints::view_client_start(text("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(http1.kind, endpoints::ClientStart::Kind::not_tls);
  EXPECT_FALSE(http1.http2_preface);
  EXPECT_EQ(http1.preview, "GET / HTTP/1.1");

  endpoints::ClientStart h2 = endpoints::view_client_start(text("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00"));
  EXPECT_EQ(h2.kind, endpoints::ClientStart::Kind::not_tls);
  EXPECT_TRUE(h2.http2_preface);

  // A handshake record holding a ServerHello (type 2), and a record of absurd length.
  EXPECT_EQ(endpoints::view_client_start(Bytes{22, 3, 3, 0, 4, 2, 0, 0, 0}).kind, endpoints::ClientStart::Kind::malformed);
  EXPECT_EQ(endpoints::view_client_start(Bytes{22, 3, 1, 0xff, 0xff, 1}).kind, endpoints::ClientStart::Kind::malformed);
  EXPECT_EQ(endpoints::view_client_start(Bytes{22, 9, 1}).kind, endpoints::ClientStart::Kind::malformed);
}

TEST(FirstBytes, ServerAnswer) {
  EXPECT_EQ(endpoints::view_server_start({}).kind, endpoints::ServerStart::Kind::nothing);
  EXPECT_EQ(endpoints::view_server_start(Bytes{22, 3, 3, 0, 90, 2}).kind, endpoints::ServerStart::Kind::handshake);
  endpoints::ServerStart alert = endpoints::view_server_start(Bytes{21, 3, 3, 0, 2, 2, 70});
  EXPECT_EQ(alert.kind, endpoints::ServerStart::Kind::alert);
  EXPECT_EQ(alert.alert, 70);
}

// A connection as the front reports it, with the client's first bytes.
endpoints::ConnectionSummary summary(int mode, const Bytes& client_bytes, endpoints::Closer closer) {
  endpoints::ConnectionSummary s;
  s.mode = mode;
  s.facts.client = "127.0.0.1:5000";
  s.facts.client_start = endpoints::view_client_start(client_bytes);
  s.facts.closer = closer;
  s.facts.duration = std::chrono::milliseconds(250);
  return s;
}

std::string line_of(const endpoints::ConnectionSummary& s) {
  endpoints::ServerEvent e = endpoints::connection_end_event(s);
  EXPECT_EQ(e.peer, "127.0.0.1:5000");
  return std::string(e.ok ? "pass " : "fail ") + std::string(to_string(e.reason)) + ": " + e.detail;
}

TEST(ConnectionEndEvent, SilentConnectionsSayWhatWasSeen) {
  Bytes no_alpn = client_hello("");
  Bytes h2 = client_hello(std::string("\x02h2", 3));
  struct Case {
    endpoints::ConnectionSummary s;
    std::string want;
  } cases[] = {
      {summary(1, {}, endpoints::Closer::client), "fail unclassified: the client closed the connection before sending anything"},
      {summary(1, Bytes(h2.begin(), h2.begin() + 40), endpoints::Closer::client),
       "fail unclassified: the client closed the connection during its ClientHello (40 of " +
           std::to_string(h2.size()) + " bytes)"},
      {summary(1, no_alpn, endpoints::Closer::server),
       "fail protocol_mismatch: the client offered no ALPN h2 (none at all); gRPC closed the connection: it runs "
       "only over HTTP/2"},
      {summary(2, text("GET / HTTP/1.1\r\n"), endpoints::Closer::server),
       "fail plaintext_to_tls: the client did not speak TLS (its first bytes: 'GET / HTTP/1.1')"},
      {summary(0, h2, endpoints::Closer::server),
       "fail tls_to_plaintext: the client started a TLS handshake; this server speaks plaintext (tlsMode 0)"},
      {summary(1, {}, endpoints::Closer::server),
       "fail timeout: the client sent nothing; the server closed the connection after 0.25 s"},
      {summary(1, h2, endpoints::Closer::client), "fail unclassified: no RPC: the client closed the connection after 0.25 s"},
      {summary(1, h2, endpoints::Closer::server),
       "fail unclassified: the server closed the connection before any RPC; gRPC reported nothing the harness "
       "could tie to it"},
  };
  for (const auto& c : cases) EXPECT_EQ(line_of(c.s), c.want);
}

TEST(ConnectionEndEvent, NoAlpnIsTheReasonOnlyWhenNothingElseCouldBe) {
  Bytes no_alpn = client_hello("");
  // The client left first: gRPC never got to judge ALPN.
  EXPECT_EQ(line_of(summary(1, no_alpn, endpoints::Closer::client)).rfind("fail unclassified: no RPC", 0), 0u);
  // A refusal that may be this connection's: not guessed at.
  endpoints::ConnectionSummary s = summary(2, no_alpn, endpoints::Closer::server);
  s.ambiguous = {"client_cert_missing: peer did not return a certificate"};
  EXPECT_EQ(line_of(s),
            "fail unclassified: the server refused a handshake while others were under way, and gRPC's report "
            "names no connection: 'client_cert_missing: peer did not return a certificate'; the server closed "
            "the connection");
  // An alert from the server before: OpenSSL refused the handshake, for a reason not in sight.
  s = summary(1, no_alpn, endpoints::Closer::server);
  s.facts.server_start = endpoints::view_server_start(Bytes{21, 3, 3, 0, 2, 2, 40});
  EXPECT_EQ(line_of(s),
            "fail unclassified: the server sent a TLS alert (handshake failure) and the server closed the "
            "connection; gRPC logged nothing the harness could tie to it");
}

TEST(ConnectionEndEvent, RpcsRefusalsAndTheHarnessOwnTrouble) {
  Bytes h2 = client_hello(std::string("\x02h2", 3));
  endpoints::ConnectionSummary s = summary(2, h2, endpoints::Closer::client);
  s.rpcs = 2;
  s.verified = "client certificate verified (CN=client)";
  EXPECT_EQ(line_of(s),
            "pass ok: client certificate verified (CN=client); 2 RPCs, then the client closed the connection "
            "after 0.25 s");

  s = summary(2, h2, endpoints::Closer::server);
  s.refusal = endpoints::ServerEvent{};
  s.refusal->ok = false;
  s.refusal->reason = verdict::Reason::client_cert_missing;
  s.refusal->detail = "peer did not return a certificate";
  EXPECT_EQ(line_of(s), "fail client_cert_missing: peer did not return a certificate");

  s = summary(1, {}, endpoints::Closer::harness);
  s.facts.harness_error = "cannot reach serve's gRPC server on 127.0.0.1:1: Connection refused";
  EXPECT_EQ(line_of(s),
            "fail unclassified: serve could not relay the connection: cannot reach serve's gRPC server on "
            "127.0.0.1:1: Connection refused");
}

struct LedgerFixture {
  std::vector<endpoints::ServerEvent> printed;
  endpoints::ConnectionLedger ledger{1, [this](const endpoints::ServerEvent& e) { printed.push_back(e); }};

  // A connection; `sent`: its ClientHello (offering h2) went on to gRPC.
  endpoints::ConnectionFacts open(std::uint64_t id, int backend_port, bool sent = true) {
    endpoints::ConnectionFacts f;
    f.id = id;
    f.client = "10.0.0." + std::to_string(id) + ":4000";
    f.backend_port = backend_port;
    ledger.opened(f);
    if (sent) {
      f.client_start = endpoints::view_client_start(client_hello(std::string("\x02h2", 3)));
      ledger.relayed_to_server(id, f.client_start.kind);
    }
    return f;
  }
  static endpoints::ServerEvent refusal(verdict::Reason r, std::string detail) {
    endpoints::ServerEvent e;
    e.ok = false;
    e.reason = r;
    e.detail = std::move(detail);
    return e;
  }
  static endpoints::ServerEvent rpc(int backend_port) {
    endpoints::ServerEvent e;
    e.kind = endpoints::ServerEvent::Kind::rpc;
    e.peer = "127.0.0.1:" + std::to_string(backend_port);
    e.detail = "RPC /grpc.health.v1.Health/Check";
    return e;
  }
};

TEST(ConnectionLedger, AnRpcNamesItsConnectionByTheRelayPort) {
  LedgerFixture t;
  endpoints::ConnectionFacts a = t.open(1, 40001);
  t.open(2, 40002);
  t.ledger.report(LedgerFixture::rpc(40001));
  ASSERT_EQ(t.printed.size(), 1u);
  EXPECT_EQ(t.printed[0].peer, "10.0.0.1:4000");
  a.closer = endpoints::Closer::client;
  t.ledger.ended(a);
  ASSERT_EQ(t.printed.size(), 2u);
  EXPECT_TRUE(t.printed[1].ok);
  EXPECT_EQ(t.printed[1].detail.rfind("1 RPC, then the client closed", 0), 0u) << t.printed[1].detail;
}

TEST(ConnectionLedger, ARefusalGoesToTheOnlyConnectionItCanBeAbout) {
  LedgerFixture t;
  endpoints::ConnectionFacts served = t.open(1, 40001);
  endpoints::ConnectionFacts idle = t.open(2, 40002, /*sent=*/false);
  endpoints::ConnectionFacts judged = t.open(3, 40003);
  t.ledger.report(LedgerFixture::rpc(40001));  // served an RPC: its handshake is not in question
  t.ledger.report(LedgerFixture::refusal(verdict::Reason::client_cert_missing, "peer did not return a certificate"));
  // Printed at once, with the connection's address, and only once.
  ASSERT_EQ(t.printed.size(), 2u);
  EXPECT_EQ(t.printed[1].reason, verdict::Reason::client_cert_missing);
  EXPECT_EQ(t.printed[1].peer, "10.0.0.3:4000");
  judged.closer = endpoints::Closer::server;
  t.ledger.ended(judged);
  EXPECT_EQ(t.printed.size(), 2u);
  idle.closer = endpoints::Closer::client;
  t.ledger.ended(idle);
  ASSERT_EQ(t.printed.size(), 3u);
  EXPECT_EQ(t.printed[2].reason, verdict::Reason::unclassified);
  EXPECT_EQ(t.printed[2].detail, "the client closed the connection before sending anything");
}

TEST(ConnectionLedger, NotSpeakingTlsIsAboutTheConnectionThatDidNot) {
  LedgerFixture t;
  t.open(1, 40001);  // a ClientHello being handshaken
  endpoints::ConnectionFacts plain;
  plain.id = 2;
  plain.client = "10.0.0.2:4000";
  plain.backend_port = 40002;
  t.ledger.opened(plain);
  t.ledger.relayed_to_server(2, endpoints::view_client_start(text("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).kind);
  t.ledger.report(LedgerFixture::refusal(verdict::Reason::plaintext_to_tls, "the client did not speak TLS"));
  ASSERT_EQ(t.printed.size(), 1u);
  EXPECT_EQ(t.printed[0].peer, "10.0.0.2:4000");
  EXPECT_EQ(t.printed[0].reason, verdict::Reason::plaintext_to_tls);
}

TEST(ConnectionLedger, ARefusalThatCouldBeEitherIsNotGivenToOne) {
  LedgerFixture t;
  endpoints::ConnectionFacts a = t.open(1, 40001);
  endpoints::ConnectionFacts b = t.open(2, 40002);
  t.ledger.report(LedgerFixture::refusal(verdict::Reason::unknown_ca, "the client does not trust this server's certificate"));
  EXPECT_TRUE(t.printed.empty());
  for (endpoints::ConnectionFacts* f : {&a, &b}) {
    f->closer = endpoints::Closer::server;
    t.ledger.ended(*f);
  }
  ASSERT_EQ(t.printed.size(), 2u);
  for (const auto& e : t.printed) {
    EXPECT_EQ(e.reason, verdict::Reason::unclassified);
    EXPECT_NE(e.detail.find("names no connection: 'unknown_ca: the client does not trust"), std::string::npos)
        << e.detail;
  }
}

TEST(ConnectionLedger, ARefusalAboutNoKnownConnectionIsPrintedAsGrpcSaidIt) {
  LedgerFixture t;
  t.open(1, 40001, /*sent=*/false);
  t.ledger.report(LedgerFixture::refusal(verdict::Reason::plaintext_to_tls, "the client did not speak TLS"));
  ASSERT_EQ(t.printed.size(), 1u);
  EXPECT_EQ(t.printed[0].reason, verdict::Reason::plaintext_to_tls);
  EXPECT_TRUE(t.printed[0].peer.empty());
}

// A pipe, its write end for a LineWriter; `one_page` makes it hold one page (poll then calls it
// full after the first write, however small).
struct SmallPipe {
  int fds[2] = {-1, -1};
  explicit SmallPipe(bool one_page = true) {
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    if (one_page) fcntl(fds[1], F_SETPIPE_SZ, 4096);
  }
  ~SmallPipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  void close_reader() {
    close(fds[0]);
    fds[0] = -1;
  }
  std::string drain() {
    std::string s;
    char buf[4096];
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
    return s;
  }
};

TEST(LineWriter, AnUnreadPipeCostsLinesNotWaits) {
  io::ignore_sigpipe();
  SmallPipe p;
  io::LineWriter w(p.fds[1], 16);
  const int pushed = 2000;
  for (int i = 0; i < pushed; ++i) w.push(std::string(100, 'x'));  // would block here if it waited
  auto stats = w.finish(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
  EXPECT_GT(stats.dropped, 0u);
  EXPECT_GT(stats.unwritten + stats.dropped, 0u);
  EXPECT_EQ(stats.written + stats.dropped + stats.unwritten, static_cast<std::uint64_t>(pushed));
  EXPECT_FALSE(stats.reader_gone);
}

TEST(LineWriter, LinesArriveWholeAndInOrder) {
  SmallPipe p(/*one_page=*/false);
  io::LineWriter w(p.fds[1], 100);
  for (int i = 0; i < 20; ++i) w.push("line " + std::to_string(i));
  w.flush(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  std::string want;
  for (int i = 0; i < 20; ++i) want += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(p.drain(), want);  // all there once flush() returned
  auto stats = w.finish(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(stats.written, 20u);
}

TEST(LineWriter, AReaderThatLeavesIsEpipeNotDeath) {
  io::ignore_sigpipe();
  SmallPipe p;
  p.close_reader();
  io::LineWriter w(p.fds[1], 100);
  std::atomic<bool> told{false};
  w.on_reader_gone([&](const io::LineWriter::Stats& s) { told = s.reader_gone; });
  for (int i = 0; i < 5; ++i) w.push("lost");
  auto stats = w.finish(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  EXPECT_TRUE(stats.reader_gone);
  EXPECT_TRUE(told);
  EXPECT_EQ(stats.written, 0u);
  EXPECT_EQ(stats.unwritten, 5u);
}

TEST(WriteWithDeadline, AFullPipeTimesOut) {
  SmallPipe p(/*one_page=*/false);
  std::string big(256 * 1024, 'x');  // more than the pipe holds
  EXPECT_EQ(io::write_with_deadline(p.fds[1], big, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)),
            io::WriteResult::timed_out);
  p.drain();
  EXPECT_EQ(io::write_with_deadline(p.fds[1], "ok\n", std::chrono::steady_clock::now() + std::chrono::seconds(5)),
            io::WriteResult::written);
}

TEST(ListenAddress, PortZeroAsksForAnyFreePort) {
  EXPECT_EQ(net::parse_listen_address("127.0.0.1:0").port, 0);
  EXPECT_EQ(net::parse_listen_address("[::1]:19530").host, "::1");
  EXPECT_THROW(net::parse_host_port("127.0.0.1:0"), io::InputError);  // a peer has no port 0
  try {
    net::parse_listen_address("127.0.0.1:65536", "--listen");
    ADD_FAILURE() << "accepted port 65536";
  } catch (const io::InputError& e) {
    EXPECT_STREQ(e.what(), "--listen 127.0.0.1:65536: port must be a number from 0 to 65535 (expected HOST:PORT, "
                           "e.g. 127.0.0.1:19530)");
  }
}

}  // namespace
}  // namespace tlsmatrix
