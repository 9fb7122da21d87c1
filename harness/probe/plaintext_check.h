// Does the endpoint speak plaintext HTTP/2 (gRPC with tlsMode 0)? Sends the client connection
// preface and an empty SETTINGS frame over a bare TCP connection and reads what comes back.
#pragma once

#include <chrono>
#include <string>

#include "harness/probe/endpoint.h"
#include "harness/probe/h2_frames.h"

namespace tlsmatrix::probe {

struct PlaintextResult {
  enum class Status {
    connect_failed,  // no TCP connection (see error)
    timeout,         // connected, but nothing came back in time
    reply,           // bytes came back: see `kind`
    closed,          // the server closed without a word
    reset,           // the server reset the connection
  };
  Status status = Status::connect_failed;
  bool connect_timed_out = false;
  bool unresolved = false;  // connect_failed because the host name gave no address
  ReplyKind kind = ReplyKind::other;  // when status == reply
  std::string error;
  std::string address;  // the numeric address that accepted the connection
  std::string summary;  // one line for humans: "answered with an HTTP/2 SETTINGS frame"

  bool is_plaintext_h2() const { return status == Status::reply && kind == ReplyKind::h2_settings; }
};

PlaintextResult check_plaintext_h2(const Endpoint& endpoint, std::chrono::milliseconds timeout);

}  // namespace tlsmatrix::probe
