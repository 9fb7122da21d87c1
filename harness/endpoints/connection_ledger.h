// `serve`'s one line per connection. The connection front says when a connection opened, what
// its first bytes were and how it ended; gRPC's hooks say what the server made of it (an RPC,
// the client-certificate check, a handshake failure in its log). Only an RPC names its
// connection (by the relay's port, gRPC's "peer"); the other two are tied to a connection only
// when exactly one could be their subject (it sent bytes lately, of the right kind: TLS for a
// TLS failure, not TLS for "the client did not speak TLS"), and otherwise the line says so
// instead of guessing. A refusal so tied is printed at once; every other connection's line comes
// when it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/endpoints/connection_front.h"
#include "harness/endpoints/server_events.h"

namespace tlsmatrix::endpoints {

// What is known about one connection when it ends: the front's facts and what gRPC said of it.
struct ConnectionSummary {
  int mode = 1;  // tlsMode the server runs
  ConnectionFacts facts;
  int rpcs = 0;
  std::optional<ServerEvent> refusal;   // gRPC's report of why it refused this handshake
  std::string verified;                 // mode 2: the client-certificate check passed ("CN=client")
  std::vector<std::string> ambiguous;   // refusals that may be this connection's, or another's
};

// The connection's one closing line: pass with its RPC count, or fail with the reason the
// server had or the bytes show, or `unclassified` saying what was seen when neither tells.
ServerEvent connection_end_event(const ConnectionSummary& s);

class ConnectionLedger {
 public:
  using Print = std::function<void(const ServerEvent&)>;  // must not block
  ConnectionLedger(int mode, Print print);

  // From the front's thread.
  void opened(const ConnectionFacts& facts);
  void relayed_to_server(std::uint64_t id, ClientStart::Kind start);
  void ended(const ConnectionFacts& facts);

  // From gRPC's threads: an RPC (peer = gRPC's peer text), a client-certificate verdict, or a
  // handshake failure from gRPC's log.
  void report(const ServerEvent& e);

  // How recently a connection must have sent bytes to be the subject of a report.
  static constexpr std::chrono::seconds kReportWindow{5};

 private:
  struct Entry {
    ConnectionSummary summary;
    std::chrono::steady_clock::time_point last_sent{};
    bool sent = false;
    ClientStart::Kind start = ClientStart::Kind::nothing;
    bool printed = false;  // its line is out (a refusal tied to it)
  };
  int mode_;
  Print print_;
  std::mutex mu_;
  std::map<std::uint64_t, Entry> open_;
  std::map<int, std::uint64_t> by_backend_port_;
};

}  // namespace tlsmatrix::endpoints
