#include "harness/probe/plaintext_check.h"

namespace tlsmatrix::probe {

PlaintextResult check_plaintext_h2(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  PlaintextResult out;
  Deadline deadline(timeout);
  ConnectResult conn = connect_tcp(endpoint, deadline);
  if (!conn.socket) {
    out.connect_timed_out = conn.timed_out;
    out.unresolved = conn.unresolved;
    out.error = conn.error;
    out.summary = "could not connect: " + conn.error;
    return out;
  }
  out.address = conn.address;
  // Reads get the full timeout of their own, as the connect may have used part of the budget.
  Deadline read_deadline(timeout);
  std::string write_error;
  // A write failure is not final: a TLS server may have answered and closed already.
  write_all(conn.socket.fd(), h2_client_preface(), read_deadline, write_error);
  ReadResult r = read_some(conn.socket.fd(), kH2FrameHeaderBytes, read_deadline);
  if (!r.bytes.empty()) {
    out.status = PlaintextResult::Status::reply;
    out.kind = classify_reply(r.bytes);
    out.summary = std::string("the server answered with ") + std::string(describe(out.kind));
    return out;
  }
  switch (r.status) {
    case ReadStatus::timeout:
      out.status = PlaintextResult::Status::timeout;
      out.summary = "the server sent nothing within " + io::seconds_text(timeout);
      break;
    case ReadStatus::closed:
      out.status = PlaintextResult::Status::closed;
      out.summary = "the server closed the connection without answering";
      break;
    default:
      out.status = PlaintextResult::Status::reset;
      out.error = r.error.empty() ? write_error : r.error;
      out.summary = "the server reset the connection (" + out.error + ")";
      break;
  }
  return out;
}

}  // namespace tlsmatrix::probe
