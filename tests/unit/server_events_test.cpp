// What `tlsmatrix serve` prints per handshake: the line format, and gRPC's log messages about a
// failed server handshake named in the taxonomy's words (messages as gRPC 1.51 logs them).
#include "harness/endpoints/server_events.h"

#include <gtest/gtest.h>

namespace tlsmatrix {
namespace {

std::chrono::system_clock::time_point at_noon_plus(int ms) {
  // 2026-01-01T12:00:00Z
  return std::chrono::system_clock::time_point(std::chrono::seconds(1767268800)) + std::chrono::milliseconds(ms);
}

TEST(ServerEvents, LineNamesOutcomeReasonDetailAndPeer) {
  endpoints::ServerEvent ok;
  ok.peer = "127.0.0.1:54321";
  ok.detail = "RPC /grpc.health.v1.Health/Check";
  EXPECT_EQ(endpoints::format_server_event(ok, at_noon_plus(123)),
            "12:00:00.123 pass ok: RPC /grpc.health.v1.Health/Check from 127.0.0.1:54321");
  endpoints::ServerEvent bad;
  bad.ok = false;
  bad.reason = verdict::Reason::client_cert_missing;
  bad.detail = "peer did not return a certificate";
  EXPECT_EQ(endpoints::format_server_event(bad, at_noon_plus(5)),
            "12:00:00.005 fail client_cert_missing: peer did not return a certificate");
}

TEST(ServerEvents, GrpcHandshakeLogLinesGetTheirReason) {
  struct Case {
    const char* message;
    verdict::Reason reason;
  } cases[] = {
      {"Handshake failed with fatal error SSL_ERROR_SSL: error:0A0000C7:SSL routines::peer did not "
       "return a certificate.",
       verdict::Reason::client_cert_missing},
      {"Handshake failed with fatal error SSL_ERROR_SSL: error:0A00009C:SSL routines::http request.",
       verdict::Reason::plaintext_to_tls},
      {"Handshake failed with fatal error SSL_ERROR_SSL: error:0A00010B:SSL routines::wrong version number.",
       verdict::Reason::plaintext_to_tls},
      {"Handshake failed with fatal error SSL_ERROR_SSL: error:0A000102:SSL routines::unsupported protocol.",
       verdict::Reason::protocol_mismatch},
      {"Handshake failed with fatal error SSL_ERROR_SSL: error:0A000418:SSL routines::tlsv1 alert unknown ca.",
       verdict::Reason::unknown_ca},
      {"Handshake failed with fatal error SSL_ERROR_SSL: error:0A000412:SSL routines::sslv3 alert bad "
       "certificate.",
       verdict::Reason::unclassified},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto e = endpoints::server_event_from_grpc_log(c.message);
    ASSERT_TRUE(e.has_value());
    EXPECT_FALSE(e->ok);
    EXPECT_EQ(e->reason, c.reason);
    EXPECT_FALSE(e->detail.empty());
  }
}

TEST(ServerEvents, OtherLogLinesAreNotEvents) {
  // Reported by the server's own client-certificate check instead.
  EXPECT_FALSE(endpoints::server_event_from_grpc_log(
      "Handshake failed with fatal error SSL_ERROR_SSL: error:0A000086:SSL routines::certificate verify failed."));
  EXPECT_FALSE(endpoints::server_event_from_grpc_log("Corruption detected."));
  EXPECT_FALSE(endpoints::server_event_from_grpc_log(""));
}

TEST(ServerEvents, PeerAddressDropsTheScheme) {
  EXPECT_EQ(endpoints::peer_address("ipv4:127.0.0.1:5000"), "127.0.0.1:5000");
  EXPECT_EQ(endpoints::peer_address("ipv6:[::1]:5000"), "[::1]:5000");
  EXPECT_EQ(endpoints::peer_address("unix:/tmp/s"), "unix:/tmp/s");
}

}  // namespace
}  // namespace tlsmatrix
