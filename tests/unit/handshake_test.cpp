// The handshake engine of `tlsmatrix bench`: each test checks what really happened on the wire
// (the server saw a client certificate, the client's session was reused), from both ends where
// both are ours, so a benchmark can never count something that did not take place.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "harness/handshake/bench_run.h"
#include "harness/handshake/crypto_bound.h"
#include "harness/handshake/load_runner.h"
#include "harness/handshake/memory_pair.h"
#include "harness/handshake/socket_client.h"
#include "harness/handshake/socket_server.h"
#include "harness/handshake/target.h"
#include "harness/handshake/tls_contexts.h"
#include "harness/io/input_error.h"

namespace tlsmatrix::handshake {
namespace {

// Certificate sets are built once per key type (key generation is the slow part).
const certs::CertSet& certs_for(certs::KeyType key) {
  static std::map<certs::KeyType, certs::CertSet> sets;
  auto it = sets.find(key);
  if (it == sets.end()) it = sets.emplace(key, make_bench_certs(key)).first;
  return it->second;
}

struct Case {
  certs::KeyType key;
  TlsVersion tls;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string name = std::string(to_string(info.param.key)) + "_tls" +
                     std::string(to_string(info.param.tls));
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

class MemoryPairTest : public testing::TestWithParam<Case> {};

// Mode 1 full, mode 2 full (the server must hold the client's certificate) and a resumption
// (the second handshake must report SSL_session_reused) for every key type and TLS version.
TEST_P(MemoryPairTest, FullMutualAndResumedHandshakes) {
  const auto [key, tls] = GetParam();
  const certs::CertSet& certs = certs_for(key);
  for (int mode : {1, 2}) {
    SCOPED_TRACE("mode " + std::to_string(mode));
    HandshakeConfig full{mode, key, tls, /*resume=*/false};
    auto sctx = make_server_ctx(certs, full);
    auto cctx = make_client_ctx(certs, full);
    MemoryPair pair(sctx.get(), cctx.get());
    HandshakeOutcome o = pair.handshake();
    ASSERT_TRUE(o.ok) << o.error;
    EXPECT_FALSE(o.resumed);
    EXPECT_EQ(o.client_cert_seen, mode == 2);

    HandshakeConfig resumed{mode, key, tls, /*resume=*/true};
    auto rsctx = make_server_ctx(certs, resumed);
    auto rcctx = make_client_ctx(certs, resumed);
    MemoryPair rpair(rsctx.get(), rcctx.get());
    ossl::SslSessionPtr session;
    HandshakeOutcome first = rpair.handshake(nullptr, &session);
    ASSERT_TRUE(first.ok) << first.error;
    ASSERT_NE(session, nullptr);
    EXPECT_FALSE(first.resumed);
    // The same session twice: a benchmark worker offers one session for the whole run.
    for (int i = 0; i < 2; ++i) {
      HandshakeOutcome again = rpair.handshake(session.get());
      ASSERT_TRUE(again.ok) << again.error;
      EXPECT_TRUE(again.resumed) << "handshake " << i << " did not resume";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    KeysAndVersions, MemoryPairTest,
    testing::Values(Case{certs::KeyType::rsa2048, TlsVersion::tls12}, Case{certs::KeyType::rsa2048, TlsVersion::tls13},
                    Case{certs::KeyType::rsa3072, TlsVersion::tls12}, Case{certs::KeyType::rsa3072, TlsVersion::tls13},
                    Case{certs::KeyType::ec_p256, TlsVersion::tls12}, Case{certs::KeyType::ec_p256, TlsVersion::tls13},
                    Case{certs::KeyType::ed25519, TlsVersion::tls12}, Case{certs::KeyType::ed25519, TlsVersion::tls13}),
    case_name);

// A full-handshake configuration turns every session mechanism off, so offering the previous
// session must not resume (otherwise "full" figures would include cheap resumptions).
TEST(MemoryPair, FullConfigurationNeverResumes) {
  for (TlsVersion tls : {TlsVersion::tls12, TlsVersion::tls13}) {
    HandshakeConfig full{1, certs::KeyType::ec_p256, tls, false};
    auto sctx = make_server_ctx(certs_for(certs::KeyType::ec_p256), full);
    auto cctx = make_client_ctx(certs_for(certs::KeyType::ec_p256), full);
    MemoryPair pair(sctx.get(), cctx.get());
    ossl::SslSessionPtr session;
    ASSERT_TRUE(pair.handshake(nullptr, &session).ok);
    HandshakeOutcome again = pair.handshake(session.get());
    ASSERT_TRUE(again.ok) << again.error;
    EXPECT_FALSE(again.resumed) << "TLS " << to_string(tls);
  }
}

// A mode-2 server refuses a client that has no certificate.
TEST(MemoryPair, MutualServerRefusesClientWithoutCertificate) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto sctx = make_server_ctx(certs, {2, certs::KeyType::ec_p256, TlsVersion::tls13, false});
  auto cctx = make_client_ctx(certs, {1, certs::KeyType::ec_p256, TlsVersion::tls13, false});
  MemoryPair pair(sctx.get(), cctx.get());
  HandshakeOutcome o = pair.handshake();
  EXPECT_FALSE(o.ok);
  EXPECT_FALSE(o.error.empty());
}

// Over loopback sockets: the event-loop server and the blocking client. The server's own
// counters confirm the handshakes, the client certificates and the resumptions.
TEST(SocketHandshake, ServerAndClientAgreeOnWhatHappened) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  for (TlsVersion tls : {TlsVersion::tls12, TlsVersion::tls13}) {
    SCOPED_TRACE("TLS " + std::string(to_string(tls)));
    HandshakeConfig cfg{2, certs::KeyType::ec_p256, tls, /*resume=*/true};
    auto sctx = make_server_ctx(certs, cfg);
    auto cctx = make_client_ctx(certs, cfg);
    Listener listener;
    ServerCounters counters;
    {
      HandshakeServer server(listener, sctx.get(), 2);
      SocketHandshaker client(cctx.get(), loopback_endpoint(listener.port()));
      ossl::SslSessionPtr session;
      HandshakeOutcome first = client.handshake(nullptr, &session);
      ASSERT_TRUE(first.ok) << first.error;
      ASSERT_NE(session, nullptr);
      EXPECT_FALSE(first.resumed);
      for (int i = 0; i < 3; ++i) {
        HandshakeOutcome again = client.handshake(session.get());
        ASSERT_TRUE(again.ok) << again.error;
        EXPECT_TRUE(again.resumed);
      }
      // The client is done before the server has read its Finished: wait for the server. The
      // deadline only guards against a hang; a loaded machine may take its time.
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (server.counters().handshakes + server.counters().failures < 4 &&
             std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      counters = server.counters();
    }
    EXPECT_EQ(counters.handshakes, 4u);
    EXPECT_EQ(counters.failures, 0u);
    EXPECT_EQ(counters.client_certs, 4u);
    EXPECT_EQ(counters.resumed, 3u);
  }
}

TEST(SocketHandshake, UnreachableTargetFailsWithinTheTimeout) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto cctx = make_client_ctx(certs, {1, certs::KeyType::ec_p256, TlsVersion::tls13, false});
  int port;
  { Listener gone; port = gone.port(); }  // a port nobody listens on any more
  SocketHandshaker client(cctx.get(), loopback_endpoint(port), std::chrono::milliseconds(500));
  HandshakeOutcome o = client.handshake();
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "connect: Connection refused");
  EXPECT_TRUE(o.unreachable);
}

// A server that accepts (the kernel completes the TCP handshake for the backlog) but never
// speaks: the handshake's deadline runs out in SSL_connect, and that is reported as a timeout.
TEST(SocketHandshake, SilentServerIsReportedAsTimeout) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto cctx = make_client_ctx(certs, {1, certs::KeyType::ec_p256, TlsVersion::tls13, false});
  Listener silent;
  SocketHandshaker client(cctx.get(), loopback_endpoint(silent.port()), std::chrono::milliseconds(200));
  HandshakeOutcome o = client.handshake();
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "handshake timed out (not finished within 0.2 s)");
  EXPECT_FALSE(o.unreachable);
}

// A hostile server in-process: on every connection it reads the ClientHello, then sends the
// start of a ServerHello record one byte every `interval` (the record says 4 KB are coming).
// A client whose timeout restarts with every byte never ends its handshake.
class TrickleServer {
 public:
  explicit TrickleServer(std::chrono::milliseconds interval) : interval_(interval) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~TrickleServer() { stop(); }
  // Closes every connection: a client still waiting then sees EOF and returns.
  void stop() {
    if (stop_.exchange(true)) return;
    accept_thread_.join();
    std::lock_guard lock(mu_);
    for (auto& t : conns_) t.join();
  }
  int port() const { return listener_.port(); }

 private:
  void accept_loop() {
    while (!stop_.load()) {
      pollfd p{listener_.fd(), POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int fd = accept(listener_.fd(), nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard lock(mu_);
      conns_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) > 0) (void)recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    // Record header (handshake, TLS 1.2, 4096 bytes), then a ServerHello header.
    std::string hello("\x16\x03\x03\x10\x00\x02\x00\x0f\xfc\x03\x03", 11);
    hello.resize(4096, '\x5a');
    for (std::size_t i = 0; i < hello.size() && !stop_.load(); ++i) {
      if (send(fd, &hello[i], 1, MSG_NOSIGNAL) != 1) break;
      auto until = std::chrono::steady_clock::now() + interval_;
      while (!stop_.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    while (!stop_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    close(fd);
  }
  std::chrono::milliseconds interval_;
  Listener listener_;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
};

// The handshake's timeout is one total deadline, not a per-read one: a server that trickles a
// byte every 100 ms cannot keep a 500 ms handshake going. The hang guard (3 s) is not a speed
// assertion; on failure the server is stopped so the stuck handshake returns.
TEST(SocketHandshake, TricklingServerEndsAtTheTotalDeadline) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto cctx = make_client_ctx(certs, {1, certs::KeyType::ec_p256, TlsVersion::tls13, false});
  TrickleServer drip(std::chrono::milliseconds(100));
  SocketHandshaker client(cctx.get(), loopback_endpoint(drip.port()), std::chrono::milliseconds(500));
  auto done = std::async(std::launch::async, [&] { return client.handshake(); });
  bool ended = done.wait_for(std::chrono::seconds(3)) == std::future_status::ready;
  drip.stop();
  HandshakeOutcome o = done.get();
  ASSERT_TRUE(ended) << "the handshake was still running 3 s after its 500 ms timeout";
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.error.find("timed out"), std::string::npos) << o.error;
}

// `bench --target` against a trickling server: the run ends at --duration plus the grace,
// whatever the handshakes in flight are doing. Nothing completed, so nothing is counted.
TEST(BenchRun, TargetThatTricklesEndsWithTheRun) {
  TrickleServer drip(std::chrono::milliseconds(100));
  BenchSettings settings;
  settings.target = loopback_endpoint(drip.port());
  settings.concurrency = 2;
  settings.processes = 1;
  settings.duration_s = 0.5;
  settings.references = false;
  HandshakeConfig config{1, certs::KeyType::ec_p256, TlsVersion::tls13, false};
  auto done = std::async(std::launch::async, [&] { return run_bench(config, settings); });
  // --duration 0.5 + 1 s grace; the rest is a hang guard for a loaded machine.
  bool ended = done.wait_for(std::chrono::milliseconds(4500)) == std::future_status::ready;
  drip.stop();
  BenchResult r = done.get();
  ASSERT_TRUE(ended) << "the run was still going 4.5 s after a 0.5 s --duration";
  EXPECT_EQ(r.load.ok, 0u);
  EXPECT_EQ(r.load.failed, 0u) << r.load.first_error;
  EXPECT_EQ(r.load.cut_off, 2u) << "both clients were mid-handshake when the run ended";
  EXPECT_FALSE(r.load.target_lost);
}

// Under TLS 1.3 a mode-2 server judges the client's certificate after the client's handshake
// has finished: a client without one completes SSL_connect and is refused afterwards. The
// handshake must not count as done until the server has answered after it.
// One handshake against an in-process TLS 1.3 mode-2 server, waiting for its answer as a
// --target client does. `tickets`: the server sends a session ticket after each handshake.
HandshakeOutcome confirmed_handshake(bool client_cert, bool tickets, Negotiated& seen) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto sctx = make_server_ctx(certs, {2, certs::KeyType::ec_p256, TlsVersion::tls13, tickets});
  auto cctx = make_client_ctx(certs, {client_cert ? 2 : 1, certs::KeyType::ec_p256, TlsVersion::tls13, false});
  Listener listener;
  HandshakeServer server(listener, sctx.get(), 1);
  SocketOptions confirm;
  confirm.confirm = true;
  SocketHandshaker client(cctx.get(), loopback_endpoint(listener.port()), confirm);
  return client.handshake(nullptr, nullptr, &seen);
}

TEST(SocketHandshake, Tls13RefusalAfterTheHandshakeIsNotASuccess) {
  Negotiated seen;
  HandshakeOutcome o = confirmed_handshake(/*client_cert=*/false, /*tickets=*/false, seen);
  EXPECT_FALSE(o.ok) << "a refused handshake counted as done";
  EXPECT_TRUE(o.refused);
  EXPECT_EQ(o.error, "refused after the handshake: the server sent alert 116 (certificate required)");
  EXPECT_TRUE(seen.completed) << "the client's own handshake did finish";
  EXPECT_TRUE(seen.cert_requested);
  EXPECT_FALSE(seen.cert_sent);
}

// The same server and a client with its certificate: the server's session ticket, sent once it
// has accepted the certificate, is the answer that makes the handshake count.
TEST(SocketHandshake, Tls13MutualHandshakeCountsOnceTheServerAnswers) {
  Negotiated seen;
  HandshakeOutcome o = confirmed_handshake(/*client_cert=*/true, /*tickets=*/true, seen);
  EXPECT_TRUE(o.ok) << o.error;
  EXPECT_TRUE(seen.answered);
  EXPECT_TRUE(seen.cert_sent);
  EXPECT_EQ(seen.version, "TLSv1.3");
  ASSERT_NE(seen.server_cert, nullptr);
  EXPECT_EQ(bench_key_type(X509_get0_pubkey(seen.server_cert.get())), certs::KeyType::ec_p256);
}

// The survey of a --target: a mode-2 server at TLS 1.2 judges the certificate before its
// Finished, so a missing one is a refusal during the handshake; with one, the configuration to
// measure is what the server did.
TEST(TargetSurvey, DescribesWhatTheServerDid) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto sctx = make_server_ctx(certs, {2, certs::KeyType::ec_p256, TlsVersion::tls12, false});
  Listener listener;
  HandshakeServer server(listener, sctx.get(), 1);
  Endpoint ep = loopback_endpoint(listener.port());
  TargetClient client;
  client.trust.push_back(ossl::up_ref(certs.get("ca").cert.get()));
  client.trust_label = "ca.pem";
  client.server_name = "localhost";
  TargetSurvey none = survey_target(ep, client, std::nullopt, std::chrono::seconds(5));
  EXPECT_FALSE(none.outcome.ok);
  EXPECT_TRUE(none.outcome.refused) << none.outcome.error;
  EXPECT_FALSE(none.config);

  client.client_chain.push_back(ossl::up_ref(certs.get("client").cert.get()));
  client.client_key = ossl::up_ref(certs.get("client").key.get());
  client.client_label = "client.pem";
  TargetSurvey s = survey_target(ep, client, std::nullopt, std::chrono::seconds(5));
  ASSERT_TRUE(s.outcome.ok) << s.outcome.error;
  ASSERT_TRUE(s.config);
  EXPECT_EQ(s.config->mode, 2);
  EXPECT_EQ(s.config->key, certs::KeyType::ec_p256);
  EXPECT_EQ(s.config->tls, TlsVersion::tls12);
  EXPECT_EQ(s.facts.server_key, "EC P-256");
  EXPECT_EQ(s.facts.verified, "verified against ca.pem for localhost");

  // Verified against a CA that did not sign it: not measured, and said so.
  client.trust.clear();
  client.trust.push_back(ossl::up_ref(certs_for(certs::KeyType::ed25519).get("ca").cert.get()));
  TargetSurvey untrusted = survey_target(ep, client, std::nullopt, std::chrono::seconds(5));
  EXPECT_FALSE(untrusted.outcome.ok);
  EXPECT_FALSE(untrusted.outcome.refused);
  EXPECT_NE(untrusted.outcome.error.find("did not verify"), std::string::npos) << untrusted.outcome.error;
}

// `bench --target` takes HOST:PORT as strictly as `probe` does, and names the value.
TEST(SocketHandshake, TargetIsParsedStrictly) {
  Endpoint ep = resolve_endpoint("127.0.0.1:4433");
  EXPECT_EQ(ep.text, "127.0.0.1:4433");
  EXPECT_EQ(ep.addr.ss_family, AF_INET);
  EXPECT_EQ(resolve_endpoint("[::1]:4433").addr.ss_family, AF_INET6);
  for (const char* bad : {"::1:4433", "localhost:https", "localhost:70000", "localhost"}) {
    try {
      resolve_endpoint(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const io::InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--target " + std::string(bad) + ": ", 0), 0u)
          << e.what();
    }
  }
}

// Reports its handshakes as resumed or not, so the merged result shows whose arrived.
class CountingWorker : public Worker {
 public:
  explicit CountingWorker(bool resumed) : resumed_(resumed) {}
  Attempt once() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return {true, resumed_, {}};
  }

 private:
  bool resumed_;
};

// Workers spread over two forked processes: both processes' results arrive through the pipes.
// Worker i runs in process i % 2, so process 1's handshakes are the resumed ones. Counts depend
// on the scheduler; which process they came from does not.
TEST(LoadRunner, MergesResultsOfWorkerProcesses) {
  LoadPlan plan;
  plan.processes = 2;
  plan.workers = 4;
  // A process that gets no CPU for the whole window delivers nothing: long enough that this
  // takes a hang, not a slow machine.
  plan.duration_s = 1;
  plan.make_worker = [](int i) { return std::make_unique<CountingWorker>(i % 2 == 1); };
  LoadResult r = run_load(plan);
  EXPECT_GT(r.resumed, 0u) << "nothing from process 1";
  EXPECT_GT(r.ok, r.resumed) << "nothing from process 0";
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.latencies_us.size(), r.ok);
  EXPECT_TRUE(std::is_sorted(r.latencies_us.begin(), r.latencies_us.end()));
  EXPECT_GE(r.percentile_us(50), 2000.0);
}

// Fails at once, as a connect to a port nobody listens on does.
class RefusedWorker : public Worker {
 public:
  Attempt once() override { return {false, false, "connect: Connection refused"}; }
};

// A dead target must not be hammered: failures back off (exponentially, capped), so a second
// of two workers makes a few dozen attempts, not hundreds of thousands.
TEST(LoadRunner, FailuresBackOff) {
  LoadPlan plan;
  plan.processes = 1;
  plan.workers = 2;
  plan.duration_s = 1;
  plan.make_worker = [](int) { return std::make_unique<RefusedWorker>(); };
  LoadResult r = run_load(plan);
  EXPECT_EQ(r.ok, 0u);
  EXPECT_GT(r.failed, 0u);
  EXPECT_LT(r.failed, 100u) << "reconnects in 1 s";
  EXPECT_EQ(r.first_error, "connect: Connection refused");
}

// A target that cannot be reached at all stops the run after kGiveUpUnreachable instead of
// running out a long window.
class UnreachableWorker : public Worker {
 public:
  Attempt once() override { return {false, false, "connect: Connection refused", true}; }
};

TEST(LoadRunner, UnreachableTargetStopsTheRun) {
  LoadPlan plan;
  plan.processes = 1;
  plan.workers = 2;
  plan.duration_s = 30;
  plan.make_worker = [](int) { return std::make_unique<UnreachableWorker>(); };
  auto start = std::chrono::steady_clock::now();
  LoadResult r = run_load(plan);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.stopped_early);
  EXPECT_TRUE(r.target_lost);
  EXPECT_LT(took, std::chrono::seconds(20)) << "ran out most of the 30 s window";
  EXPECT_EQ(r.unreachable, r.failed);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].reason, "connect: Connection refused");
  EXPECT_EQ(r.errors[0].count, r.failed);
}

// Failure reasons are counted per reason, across worker processes (through the pipes), most
// common first.
class MixedWorker : public Worker {
 public:
  Attempt once() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ++n_;
    if (n_ % 3 == 0) return {false, false, "refused: alert 42"};
    if (n_ % 3 == 1) return {false, false, "refused: alert 116"};
    return {true, false, {}};
  }

 private:
  int n_ = 0;
};

TEST(LoadRunner, CountsFailuresByReason) {
  LoadPlan plan;
  plan.processes = 2;
  plan.workers = 2;
  plan.duration_s = 0.5;
  plan.make_worker = [](int) { return std::make_unique<MixedWorker>(); };
  LoadResult r = run_load(plan);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_GE(r.errors[0].count, r.errors[1].count);
  EXPECT_EQ(r.errors[0].count + r.errors[1].count, r.failed);
  EXPECT_EQ(r.first_error, "refused: alert 116");
  EXPECT_FALSE(r.target_lost);
}

TEST(LoadRunner, PercentilesUseNearestRank) {
  LoadResult r;
  for (int i = 1; i <= 100; ++i) r.latencies_us.push_back(static_cast<float>(i));
  EXPECT_EQ(r.percentile_us(50), 50.0);
  EXPECT_EQ(r.percentile_us(90), 90.0);
  EXPECT_EQ(r.percentile_us(99), 99.0);
  EXPECT_EQ(r.percentile_us(100), 100.0);
}

// The bound counts what each configuration really does: mode 2 adds the client's signature and
// the server's two verifications; TLS 1.2 resumption has no public-key operation at all.
TEST(CryptoBound, OperationsFollowTheConfiguration) {
  const certs::CertSet& certs = certs_for(certs::KeyType::ec_p256);
  auto count = [](const CryptoBound& b) {
    int n = 0;
    for (const auto& op : b.ops) n += op.count;
    return n;
  };
  CryptoBound m1 = measure_crypto_bound(certs, {1, certs::KeyType::ec_p256, TlsVersion::tls13, false}, 2);
  CryptoBound m2 = measure_crypto_bound(certs, {2, certs::KeyType::ec_p256, TlsVersion::tls13, false}, 2);
  CryptoBound r12 = measure_crypto_bound(certs, {1, certs::KeyType::ec_p256, TlsVersion::tls12, true}, 2);
  EXPECT_GT(m1.per_s, 0);
  EXPECT_EQ(m2.ops.size(), m1.ops.size() + 3);
  EXPECT_GT(m2.us_per_handshake, m1.us_per_handshake);
  for (const auto& op : r12.ops) {
    EXPECT_EQ(op.name.find("sign"), std::string::npos) << op.name;
    EXPECT_EQ(op.name.find("X25519"), std::string::npos) << op.name;
  }
  EXPECT_LT(count(r12), count(m1));
}

}  // namespace
}  // namespace tlsmatrix::handshake
