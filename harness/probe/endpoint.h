// HOST:PORT as the user typed it, and a TCP connection to exactly that address with a deadline.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "harness/net/host_port.h"
#include "harness/probe/deadline.h"

namespace tlsmatrix::probe {

// The address as given (net::parse_host_port) and, once known, the address it reached.
struct Endpoint : net::HostPort {
  Endpoint() = default;
  Endpoint(net::HostPort given) : net::HostPort(std::move(given)) {}  // not pinned yet
  // The numeric address the first connection reached; later connections go there only, so every
  // check of one probe talks to the same server even when the name resolves to several.
  std::string pinned;
};

// A connected socket, closed on destruction. Non-blocking once connected.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& o) noexcept : fd_(o.release()) {}
  Socket& operator=(Socket&& o) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();
  int fd() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct ConnectResult {
  Socket socket;        // valid when connected
  std::string address;  // the numeric address connected to
  bool timed_out = false;
  // The host name gave no address (the lookup failed or ran out of time): nothing was dialled.
  bool unresolved = false;
  std::string error;    // why it failed, e.g. "connection refused"
};

// Connects to the pinned address, or else to the host's addresses in resolver order (localhost
// may be ::1 and 127.0.0.1) until one accepts. The name lookup and the non-blocking connects are
// all bounded by `deadline`.
ConnectResult connect_tcp(const Endpoint& endpoint, const Deadline& deadline);

// What a read with a deadline saw.
enum class ReadStatus { data, closed, reset, timeout, error };
struct ReadResult {
  ReadStatus status = ReadStatus::timeout;
  std::string bytes;  // everything read before the status
  std::string error;  // errno text for `error`/`reset`
};

// Writes all of `data` (non-blocking socket); false with `error` set on failure or deadline.
bool write_all(int fd, std::string_view data, const Deadline& deadline, std::string& error);

// Reads until at least `want` bytes arrived, the peer closed, or the deadline passed.
ReadResult read_some(int fd, std::size_t want, const Deadline& deadline);

}  // namespace tlsmatrix::probe
