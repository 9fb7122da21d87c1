// Classification of one cell from what both ends observed, without a network: each row is an
// observation a real run produces, and the reason the runner must name for it. The rows where
// the client's message is the same ("Socket closed") prove the server's record decides.
#include "harness/verdict/classify.h"

#include <gtest/gtest.h>

#include "harness/runner/runner.h"

namespace tlsmatrix {
namespace {

constexpr int kUnavailable = 14, kDeadline = 4;

verdict::CellObservation tls(int mode) {
  verdict::CellObservation o;
  o.server_mode = mode;
  o.client_secure = true;
  o.client_sends_cert = mode == 2;
  o.server_chain = verdict::ProfileVerdict{};
  return o;
}

verdict::ProfileVerdict refused(verdict::Reason r) { return verdict::ProfileVerdict{r, "engine: why"}; }

TEST(Classify, NamesTheReasonFromBothEnds) {
  struct Row {
    const char* what;
    verdict::CellObservation obs;
    verdict::Verdict want;
    bool disagreement = false;
  };
  auto with = [](verdict::CellObservation o, auto&& f) { f(o); return o; };
  const verdict::Verdict pass{verdict::Outcome::pass, verdict::Reason::ok};
  auto fail = [](verdict::Reason r) { return verdict::Verdict{verdict::Outcome::fail, r}; };
  const std::vector<Row> rows = {
      {"RPC ok", tls(1), pass},
      {"server did not start", with(tls(1), [](auto& o) { o.server_config_error = "bad"; o.status_code = kUnavailable; }),
       fail(verdict::Reason::server_config_error)},
      {"client files", with(tls(1), [](auto& o) { o.client_config_error = true; o.client_message = "bad"; }),
       fail(verdict::Reason::client_config_error)},
      {"plaintext client", with(tls(2), [](auto& o) { o.client_secure = false; o.status_code = kUnavailable; o.client_message = "Socket closed"; }),
       fail(verdict::Reason::plaintext_to_tls)},
      {"TLS client, plaintext server", with(tls(0), [](auto& o) { o.status_code = kUnavailable; o.client_message = "wrong version number"; }),
       fail(verdict::Reason::tls_to_plaintext)},
      {"no client certificate", with(tls(2), [](auto& o) { o.client_sends_cert = false; o.status_code = kUnavailable; o.client_message = "Socket closed"; }),
       fail(verdict::Reason::client_cert_missing)},
      {"client cert from another CA", with(tls(2), [](auto& o) { o.status_code = kUnavailable; o.client_message = "Socket closed";
         o.server_check_called = true; o.server_x509_error = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY; }),
       fail(verdict::Reason::client_cert_unknown_ca)},
      {"expired client cert", with(tls(2), [](auto& o) { o.status_code = kUnavailable; o.client_message = "Socket closed";
         o.server_check_called = true; o.server_x509_error = X509_V_ERR_CERT_HAS_EXPIRED; }),
       fail(verdict::Reason::client_cert_expired)},
      {"client cert with the wrong EKU", with(tls(2), [](auto& o) { o.status_code = kUnavailable;
         o.server_check_called = true; o.server_x509_error = X509_V_ERR_INVALID_PURPOSE; }),
       fail(verdict::Reason::client_cert_invalid)},
      {"server chain refused (native)", with(tls(1), [&](auto& o) { o.status_code = kUnavailable;
         o.client_message = "Ssl handshake failed: certificate verify failed"; o.server_chain = refused(verdict::Reason::unknown_ca); }),
       fail(verdict::Reason::unknown_ca)},
      {"name refused (native)", with(tls(1), [&](auto& o) { o.status_code = kUnavailable;
         o.client_message = "Peer name x is not in peer certificate"; o.server_chain = refused(verdict::Reason::hostname_mismatch); }),
       fail(verdict::Reason::hostname_mismatch)},
      {"server chain first, even in mode 2", with(tls(2), [&](auto& o) { o.client_sends_cert = false; o.status_code = kUnavailable;
         o.client_message = "certificate verify failed"; o.server_chain = refused(verdict::Reason::server_cert_expired); }),
       fail(verdict::Reason::server_cert_expired)},
      {"deadline with nothing else", with(tls(1), [](auto& o) { o.status_code = kDeadline; }), fail(verdict::Reason::timeout)},
      {"nothing fits", with(tls(1), [](auto& o) { o.status_code = kUnavailable; o.client_message = "odd"; }),
       fail(verdict::Reason::unclassified)},
      {"gRPC passed, engine refuses", with(tls(1), [&](auto& o) { o.server_chain = refused(verdict::Reason::unknown_ca); }), pass, true},
      {"gRPC refused the chain, engine accepts", with(tls(1), [](auto& o) { o.status_code = kUnavailable;
         o.client_message = "certificate verify failed"; }),
       fail(verdict::Reason::unclassified), true},
      {"engine inside the handshake decides", with(tls(1), [&](auto& o) { o.engine_decides = true; o.status_code = kUnavailable;
         o.client_message = "Custom verification check failed"; o.server_chain = refused(verdict::Reason::hostname_mismatch); }),
       fail(verdict::Reason::hostname_mismatch)},
  };
  for (const auto& row : rows) {
    verdict::CellVerdict v = verdict::classify(row.obs);
    EXPECT_EQ(v.verdict, row.want) << row.what << ": got " << describe(v.verdict) << " (" << v.detail << ")";
    EXPECT_EQ(v.disagreement, row.disagreement) << row.what;
    EXPECT_EQ(v.detail.find(verdict::kDisagreementMarker) != std::string::npos, row.disagreement) << row.what;
  }
}

TEST(Portability, NamesWhoAcceptsAndWhoRejectsWithAHint) {
  scenario::Scenario s;
  s.name = "cn-only";
  certs::CertSpec server;
  server.name = "server";
  server.cn = "localhost";
  s.certs = {server};
  s.server.cert = "server";
  auto cell = [](const char* profile, verdict::Verdict v) {
    runner::CellResult c;
    c.scenario = "cn-only";
    c.mode = 1;
    c.profile = profile;
    c.actual = v;
    return c;
  };
  std::vector<runner::CellResult> cells = {cell("grpc-core", {}), cell("go", {verdict::Outcome::fail, verdict::Reason::hostname_mismatch}),
                                   cell("node", {})};
  auto notes = runner::portability_notes({s}, cells);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].text,
            "accepted by grpc-core and node, rejected by go (hostname_mismatch): name only in the CN; add a "
            "subjectAltName");
  cells[1].actual = {};
  EXPECT_TRUE(runner::portability_notes({s}, cells).empty());
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// Details are stable from run to run: no port numbers, no gRPC wrapper words.
TEST(Classify, DetailCarriesNoPorts) {
  verdict::CellObservation o = tls(1);
  o.status_code = kUnavailable;
  o.client_message =
      "failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:40931: Socket closed";
  EXPECT_EQ(verdict::classify(o).detail, "client: UNAVAILABLE: Socket closed");
  o.client_message = "failed to connect to all addresses; last error: UNKNOWN: ipv6:[::1]:5: Ssl handshake failed";
  EXPECT_EQ(verdict::classify(o).detail, "client: UNAVAILABLE: Ssl handshake failed");
  o.client_message = "UNKNOWN: something else: kept";
  EXPECT_EQ(verdict::classify(o).detail, "client: UNAVAILABLE: UNKNOWN: something else: kept");
}

// A cell decided by the refusal of the server's certificate reads the same whether or not the
// server's client-certificate check had run by the time the client hung up (a race between the
// two ends); before, the server clause followed the race and two runs of one cell differed.
TEST(Classify, ServerClauseDoesNotFollowTheRaceWhenTheServerCertWasRefused) {
  auto variants = [](verdict::CellObservation base) {
    std::vector<verdict::CellObservation> out;
    verdict::CellObservation o = base;
    out.push_back(o);  // the check had not run yet
    o.server_check_called = true;
    out.push_back(o);  // it had run and accepted the client certificate
    return out;
  };
  verdict::CellObservation client_refused = tls(2);
  client_refused.engine_decides = true;
  client_refused.status_code = kUnavailable;
  client_refused.client_message = "Custom verification check failed with error: go: bad name";
  client_refused.server_chain = refused(verdict::Reason::hostname_mismatch);
  verdict::CellObservation native = tls(2);
  native.status_code = kUnavailable;
  native.client_message = "Peer name localhost is not in peer certificate";
  native.server_chain = refused(verdict::Reason::hostname_mismatch);
  for (const verdict::CellObservation& base : {client_refused, native}) {
    std::vector<verdict::CellVerdict> got;
    for (const verdict::CellObservation& o : variants(base)) got.push_back(verdict::classify(o));
    EXPECT_EQ(got[0].detail, got[1].detail);
    EXPECT_EQ(got[0].verdict, got[1].verdict);
    EXPECT_NE(got[0].detail.find("server: its check does not count, the server certificate was refused"),
              std::string::npos)
        << got[0].detail;
  }
  // Where the server's check decides, its clause still says what it saw.
  verdict::CellObservation server_decides = tls(2);
  server_decides.status_code = kUnavailable;
  server_decides.client_message = "Socket closed";
  EXPECT_NE(verdict::classify(server_decides).detail.find("server: no client certificate reached its check"), std::string::npos);
  server_decides.server_check_called = true;
  server_decides.server_x509_error = X509_V_ERR_CERT_HAS_EXPIRED;
  server_decides.server_check_text = "certificate has expired";
  EXPECT_NE(verdict::classify(server_decides).detail.find("server: client certificate refused: certificate has expired"),
            std::string::npos);
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// Mode 2: the client's own OpenSSL will not send the chain it built for its certificate from the
// trust store (a SHA-1 intermediate there, security level 2): the handshake fails on the client
// before any certificate reaches the server. The real C-core client says "ca md too weak" (the
// Python interop client: client_config_error); the run said `unclassified` (campaign seed 201,
// d201-00031).
TEST(Classify, OwnChainRefusedWhenSentIsAClientConfigError) {
  verdict::CellObservation o;
  o.server_mode = 2;
  o.client_secure = true;
  o.client_sends_cert = true;
  o.status_code = 14;
  o.client_message = "Ssl handshake failed: SSL_ERROR_SSL: error:0A00018E:SSL routines::ca md too weak";
  o.server_chain = verdict::ProfileVerdict{};
  EXPECT_EQ(verdict::classify(o).verdict.reason, verdict::Reason::client_config_error) << verdict::classify(o).detail;
  // The same words in mode 1 (no certificate is sent) name nothing of the client's own.
  o.server_mode = 1;
  EXPECT_EQ(verdict::classify(o).verdict.reason, verdict::Reason::unclassified);
}

}  // namespace
}  // namespace tlsmatrix
