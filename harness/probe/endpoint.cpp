#include "harness/probe/endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "harness/io/input_error.h"

namespace tlsmatrix::probe {

std::string Endpoint::text() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Endpoint parse_endpoint(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return InputError(std::string(text) + ": " + why + " (expected HOST:PORT, e.g. 127.0.0.1:19530)");
  };
  Endpoint ep;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) throw bad("unclosed '[' in IPv6 address");
    ep.host = std::string(text.substr(1, close - 1));
    if (close + 1 >= text.size() || text[close + 1] != ':') throw bad("no port after ']'");
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw bad("no port");
    ep.host = std::string(text.substr(0, colon));
    if (ep.host.find(':') != std::string::npos) throw bad("IPv6 addresses need brackets");
    port_text = text.substr(colon + 1);
  }
  if (ep.host.empty()) throw bad("empty host");
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    throw bad("port must be a number from 1 to 65535");
  }
  ep.port = port;
  return ep;
}

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

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
struct AddrInfoDeleter {
  void operator()(addrinfo* a) const noexcept { freeaddrinfo(a); }
};

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

std::string numeric_address(const sockaddr* sa, socklen_t len) {
  char host[NI_MAXHOST];
  if (getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "";
  return host;
}

// One non-blocking connect to one address.
ConnectResult connect_one(const addrinfo* a, const Deadline& deadline) {
  ConnectResult out;
  out.address = numeric_address(a->ai_addr, a->ai_addrlen);
  Socket s(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
  if (!s) {
    out.error = std::string("socket: ") + std::strerror(errno);
    return out;
  }
  if (::connect(s.fd(), a->ai_addr, a->ai_addrlen) != 0) {
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
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (endpoint.pinned.empty() ? 0 : AI_NUMERICHOST);
  addrinfo* raw = nullptr;
  const std::string& host = endpoint.pinned.empty() ? endpoint.host : endpoint.pinned;
  std::string port = std::to_string(endpoint.port);
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &raw); rc != 0) {
    ConnectResult out;
    out.error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return out;
  }
  std::unique_ptr<addrinfo, AddrInfoDeleter> addrs(raw);
  ConnectResult out;
  std::string errors;
  for (const addrinfo* a = addrs.get(); a != nullptr; a = a->ai_next) {
    out = connect_one(a, deadline);
    if (out.socket || out.timed_out) return out;
    errors += (errors.empty() ? "" : "; ") + out.address + ": " + out.error;
  }
  if (addrs->ai_next != nullptr) out.error = errors;  // several addresses: say what each said
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
