#include "harness/endpoints/connection_front.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "harness/net/host_port.h"
#include "harness/net/resolve.h"

namespace tlsmatrix::endpoints {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kBuffer = 64 * 1024;           // per direction and connection
constexpr std::size_t kServerStartBytes = 16;        // enough for a record header and an alert
constexpr auto kLinger = std::chrono::seconds(2);    // after one side has ended, the other's time
constexpr auto kConnectLimit = std::chrono::seconds(5);  // to reach the gRPC server on loopback
constexpr auto kAcceptBackoff = std::chrono::milliseconds(200);
constexpr auto kResolveLimit = std::chrono::seconds(5);

std::string address_text(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (ss.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(ss);
    inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(a.sin_port));
  }
  if (ss.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(ss);
    inet_ntop(AF_INET6, &a.sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(a.sin6_port));
  }
  return "?";
}

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port);
  return 0;
}

void set_port(sockaddr_storage& ss, int port) {
  if (ss.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(ss).sin_port = htons(static_cast<uint16_t>(port));
  if (ss.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6&>(ss).sin6_port = htons(static_cast<uint16_t>(port));
}

void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// One side of a relayed connection. `pending` is what waits to be written to it.
struct Side {
  int fd = -1;
  bool eof = false;    // it closed its sending side
  bool reset = false;  // it reset the connection, or writing to it failed
  bool write_shut = false;
  std::string pending;
  bool done() const { return eof || reset; }
};

struct Conn {
  ConnectionFacts facts;
  Side client, server;
  bool connecting = true;
  bool closer_known = false;
  std::vector<std::uint8_t> client_prefix, server_prefix;
  ClientStart::Kind start_kind = ClientStart::Kind::nothing;
  Clock::time_point started;
  std::optional<Clock::time_point> linger_until;
};

enum class Io { progress, blocked, eof, failed };

// Reads what `to.pending` has room for. Keeps the first bytes in `prefix` up to `keep`.
Io read_into(Side& from, Side& to, std::vector<std::uint8_t>& prefix, std::size_t keep, std::uint64_t& count) {
  if (to.pending.size() >= kBuffer) return Io::blocked;
  char buf[16 * 1024];
  ssize_t n = recv(from.fd, buf, std::min(sizeof buf, kBuffer - to.pending.size()), MSG_DONTWAIT);
  if (n > 0) {
    to.pending.append(buf, static_cast<std::size_t>(n));
    count += static_cast<std::uint64_t>(n);
    if (prefix.size() < keep) {
      auto take = std::min(keep - prefix.size(), static_cast<std::size_t>(n));
      prefix.insert(prefix.end(), buf, buf + take);
    }
    return Io::progress;
  }
  if (n == 0) return Io::eof;
  return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? Io::blocked : Io::failed;
}

Io flush(Side& to) {
  while (!to.pending.empty()) {
    ssize_t n = send(to.fd, to.pending.data(), to.pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return (errno == EAGAIN || errno == EWOULDBLOCK) ? Io::blocked : Io::failed;
    }
    to.pending.erase(0, static_cast<std::size_t>(n));
  }
  return Io::progress;
}

}  // namespace

std::unique_ptr<ConnectionFront> ConnectionFront::open(const std::string& listen, std::string* error) {
  net::HostPort hp = net::parse_listen_address(listen, "--listen");  // InputError if malformed
  net::Resolution r = net::resolve(hp.host, hp.port, kResolveLimit);
  if (r.addresses.empty()) {
    *error = r.error;
    return nullptr;
  }
  std::unique_ptr<ConnectionFront> self(new ConnectionFront());
  int port = hp.port;
  std::string first_error;
  // Every address the name stands for, on one port, as gRPC's own listener did ("localhost").
  for (auto addr : r.addresses) {
    if (port != 0) set_port(addr.storage, port);
    int fd = socket(addr.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0;
    if (ok && addr.family() == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    ok = ok && bind(fd, addr.sockaddr_ptr(), addr.len) == 0 && ::listen(fd, SOMAXCONN) == 0;
    if (!ok) {
      if (first_error.empty()) {
        first_error = (r.addresses.size() > 1 ? addr.text + ": " : "") + std::strerror(errno);
      }
      if (fd >= 0) close(fd);
      continue;
    }
    if (port == 0) port = bound_port(fd);
    self->listeners_.push_back(fd);
  }
  if (self->listeners_.empty()) {
    *error = "cannot listen on " + listen + ": " + first_error;
    return nullptr;
  }
  self->address_ = net::HostPort{hp.host, port}.text();
  self->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  return self;
}

ConnectionFront::~ConnectionFront() {
  stop();
  for (int fd : listeners_) close(fd);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void ConnectionFront::start(int backend_port, Callbacks callbacks) {
  backend_port_ = backend_port;
  callbacks_ = std::move(callbacks);
  thread_ = std::thread([this] { run(); });
}

void ConnectionFront::stop() {
  if (!thread_.joinable()) return;
  std::uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
  thread_.join();
}

void ConnectionFront::run() {
  std::map<std::uint64_t, Conn> conns;
  std::uint64_t next_id = 1;
  std::optional<Clock::time_point> accept_paused_until;
  bool told_accept_trouble = false;

  auto note_closer = [](Conn& c, Closer who, bool reset) {
    if (c.closer_known) return;
    c.closer_known = true;
    c.facts.closer = who;
    c.facts.reset = reset;
    if (!c.linger_until) c.linger_until = Clock::now() + kLinger;
  };
  auto finish = [&](Conn& c) {
    c.facts.client_start = view_client_start(c.client_prefix);
    c.facts.server_start = view_server_start(c.server_prefix);
    c.facts.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - c.started);
    if (c.client.fd >= 0) close(c.client.fd);
    if (c.server.fd >= 0) close(c.server.fd);
    c.client.fd = c.server.fd = -1;
    if (callbacks_.ended) callbacks_.ended(c.facts);
  };
  auto harness_failure = [&](Conn& c, const std::string& what) {
    c.closer_known = true;
    c.facts.closer = Closer::harness;
    c.facts.harness_error = what;
  };

  auto accept_all = [&](int listener) {
    for (;;) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      int fd = accept4(listener, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // The connection stays in the listen queue; try again shortly rather than spin.
          accept_paused_until = Clock::now() + kAcceptBackoff;
          if (!told_accept_trouble && callbacks_.trouble) {
            callbacks_.trouble(std::string("cannot accept connections: ") + std::strerror(errno) +
                               " (serve's own limit; clients wait in the listen queue)");
          }
          told_accept_trouble = true;
        }
        return;  // EAGAIN: all taken; anything else concerns that one connection only
      }
      told_accept_trouble = false;
      no_delay(fd);
      Conn c;
      c.started = Clock::now();
      c.facts.id = next_id++;
      c.facts.client = address_text(ss);
      c.client.fd = fd;
      c.server.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c.server.fd < 0) {
        harness_failure(c, std::string("cannot open a socket to serve's gRPC server: ") + std::strerror(errno));
      } else {
        no_delay(c.server.fd);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(backend_port_));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int rc = connect(c.server.fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
        if (rc != 0 && errno != EINPROGRESS) {
          harness_failure(c, "cannot reach serve's gRPC server on 127.0.0.1:" + std::to_string(backend_port_) +
                                 ": " + std::strerror(errno));
        }
        c.connecting = rc != 0;
        c.facts.backend_port = bound_port(c.server.fd);
      }
      if (callbacks_.opened) callbacks_.opened(c.facts);
      if (c.closer_known) {
        finish(c);
        continue;
      }
      conns.emplace(c.facts.id, std::move(c));
    }
  };

  // One connection after poll: move what can move, note who ended, and say whether it is over.
  auto step = [&](Conn& c, short client_ev, short server_ev) -> bool {
    Clock::time_point now = Clock::now();
    if (c.connecting && server_ev != 0) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.server.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        harness_failure(c, "cannot reach serve's gRPC server on 127.0.0.1:" + std::to_string(backend_port_) +
                               ": " + std::strerror(err));
        return true;
      }
      c.connecting = false;
    }
    if (c.connecting && now - c.started > kConnectLimit) {
      harness_failure(c, "serve's gRPC server did not take the connection within 5 s");
      return true;
    }
    // The server's side first: when both ends go in one round, gRPC closing is the news.
    if (!c.connecting && !c.server.done() && (server_ev & (POLLIN | POLLHUP | POLLERR))) {
      Io io;
      while ((io = read_into(c.server, c.client, c.server_prefix, kServerStartBytes, c.facts.bytes_from_server)) ==
             Io::progress) {
      }
      if (io == Io::eof) c.server.eof = true;
      if (io == Io::failed) c.server.reset = true;
      if (c.server.done()) note_closer(c, Closer::server, c.server.reset);
    }
    if (!c.client.done() && (client_ev & (POLLIN | POLLHUP | POLLERR))) {
      std::uint64_t before = c.facts.bytes_from_client;
      Io io;
      while ((io = read_into(c.client, c.server, c.client_prefix, kClientStartBytes, c.facts.bytes_from_client)) ==
             Io::progress) {
      }
      // Before gRPC can see them: a report about this connection may follow at once.
      if (c.facts.bytes_from_client != before) {
        if (c.start_kind == ClientStart::Kind::nothing || c.start_kind == ClientStart::Kind::hello_partial) {
          c.start_kind = view_client_start(c.client_prefix).kind;
        }
        if (callbacks_.relayed_to_server) callbacks_.relayed_to_server(c.facts.id, c.start_kind);
      }
      if (io == Io::eof) c.client.eof = true;
      if (io == Io::failed) c.client.reset = true;
      if (c.client.done()) note_closer(c, Closer::client, c.client.reset);
    }
    if (!c.connecting && !c.server.reset && flush(c.server) == Io::failed) {
      c.server.reset = true;
      note_closer(c, Closer::server, true);
    }
    if (!c.client.reset && flush(c.client) == Io::failed) {
      c.client.reset = true;
      note_closer(c, Closer::client, true);
    }
    // A side that has ended, and whose bytes are all through, ends its half on the other side.
    if (c.client.done() && c.server.pending.empty() && !c.connecting && !c.server.write_shut && !c.server.reset) {
      shutdown(c.server.fd, SHUT_WR);
      c.server.write_shut = true;
    }
    if (c.server.done() && c.client.pending.empty() && !c.client.write_shut && !c.client.reset) {
      shutdown(c.client.fd, SHUT_WR);
      c.client.write_shut = true;
    }
    // gRPC is done with it once its side has ended and its last bytes reached the client; the
    // client being done, gRPC gets kLinger to close in turn (and to report why, if it does).
    if (c.server.done() && (c.client.pending.empty() || c.client.reset)) return true;
    return c.linger_until && now >= *c.linger_until;
  };

  std::vector<pollfd> fds;
  std::vector<std::uint64_t> ids;
  for (;;) {
    fds.clear();
    ids.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    Clock::time_point now = Clock::now();
    if (accept_paused_until && now >= *accept_paused_until) accept_paused_until.reset();
    std::optional<Clock::time_point> wake_at = accept_paused_until;
    for (int l : listeners_) fds.push_back({l, static_cast<short>(accept_paused_until ? 0 : POLLIN), 0});
    for (auto& [id, c] : conns) {
      short cev = 0, sev = 0;
      if (!c.client.done() && c.server.pending.size() < kBuffer) cev |= POLLIN;
      if (!c.client.pending.empty() && !c.client.reset) cev |= POLLOUT;
      if (c.connecting) {
        sev = POLLOUT;
      } else {
        if (!c.server.done() && c.client.pending.size() < kBuffer) sev |= POLLIN;
        if (!c.server.pending.empty() && !c.server.reset) sev |= POLLOUT;
      }
      // A side with nothing to wait for is left out: poll reports a hung-up socket even when
      // asked for nothing, and would spin until the connection ends.
      fds.push_back({cev ? c.client.fd : -1, cev, 0});
      fds.push_back({sev ? c.server.fd : -1, sev, 0});
      ids.push_back(id);
      auto limit = c.connecting ? c.started + kConnectLimit : Clock::time_point::max();
      if (c.linger_until) limit = std::min(limit, *c.linger_until);
      if (limit != Clock::time_point::max()) wake_at = wake_at ? std::min(*wake_at, limit) : limit;
    }
    int timeout = -1;
    if (wake_at) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(*wake_at - now).count();
      timeout = static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
    }
    int n = poll(fds.data(), fds.size(), timeout);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) break;  // stop()
    for (std::size_t i = 0; i < listeners_.size(); ++i) {
      if (fds[1 + i].revents & POLLIN) accept_all(listeners_[i]);
    }
    std::size_t base = 1 + listeners_.size();
    for (std::size_t k = 0; k < ids.size(); ++k) {
      auto it = conns.find(ids[k]);
      if (n > 0 || it->second.linger_until || it->second.connecting) {
        if (step(it->second, fds[base + 2 * k].revents, fds[base + 2 * k + 1].revents)) {
          finish(it->second);
          conns.erase(it);
        }
      }
    }
  }
  for (auto& [id, c] : conns) {
    if (!c.closer_known) {
      c.closer_known = true;
      c.facts.closer = Closer::shutdown;
    }
    finish(c);
  }
}

}  // namespace tlsmatrix::endpoints
