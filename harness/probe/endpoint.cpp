#include "harness/probe/endpoint.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/net/resolve.h"

namespace tlsmatrix::probe {

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {
std::string errno_text(int err) {
  switch (err) {
    case ECONNREFUSED: return "connection refused (nothing listens on that port)";
    case ECONNRESET: return "connection reset by the server";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH: return "network unreachable";
    default: return std::strerror(err);
  }
}
}  // namespace

namespace {

// One non-blocking connect to one address.
ConnectResult connect_one(const net::Address& a, const Deadline& deadline) {
  ConnectResult out;
  out.address = a.text;
  Socket s(::socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!s) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  if (::connect(s.fd(), a.sockaddr_ptr(), a.len) != 0) {
    if (errno != EINPROGRESS) {
      out.error = errno_text(errno);
      return out;
    }
    pollfd p{s.fd(), POLLOUT, 0};
    int n = 0;
    do {
      n = ::poll(&p, 1, deadline.remaining_ms());
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      out.timed_out = true;
      out.error = "TCP connect did not complete in time";
      return out;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (n < 0 || err != 0) {
      out.error = errno_text(n < 0 ? errno : err);
      return out;
    }
  }
  out.socket = std::move(s);
  return out;
}

}  // namespace

ConnectResult connect_tcp(const Endpoint& endpoint, const Deadline& deadline) {
  const std::string& host = endpoint.pinned.empty() ? endpoint.host : endpoint.pinned;
  net::Resolution resolved =
      net::resolve(host, endpoint.port, std::chrono::milliseconds(deadline.remaining_ms()));
  ConnectResult out;
  if (resolved.addresses.empty()) {
    out.timed_out = resolved.timed_out;
    out.unresolved = true;
    out.error = resolved.error;
    return out;
  }
  std::string errors;
  for (const net::Address& a : resolved.addresses) {
    out = connect_one(a, deadline);
    if (out.socket || out.timed_out) return out;
    errors += (errors.empty() ? "" : "; ") + out.address + ": " + out.error;
  }
  if (resolved.addresses.size() > 1) out.error = errors;  // several addresses: say what each said
  return out;
}

namespace {
// Waits for `events` on fd; false when the deadline passed first.
bool wait_for(int fd, short events, const Deadline& deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, deadline.remaining_ms());
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let the following call report the error
  }
}
}  // namespace

bool write_all(int fd, std::string_view data, const Deadline& deadline, std::string& error) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, deadline)) {
        error = "write did not complete in time";
        return false;
      }
      continue;
    }
    error = errno_text(errno);
    return false;
  }
  return true;
}

ReadResult read_some(int fd, std::size_t want, const Deadline& deadline) {
  ReadResult out;
  char buf[4096];
  while (out.bytes.size() < want) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      out.bytes.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      out.status = ReadStatus::closed;
      return out;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      if (!wait_for(fd, POLLIN, deadline)) {
        out.status = out.bytes.empty() ? ReadStatus::timeout : ReadStatus::data;
        return out;
      }
      continue;
    }
    out.status = errno == ECONNRESET ? ReadStatus::reset : ReadStatus::error;
    out.error = errno_text(errno);
    return out;
  }
  out.status = ReadStatus::data;
  return out;
}

}  // namespace tlsmatrix::probe
