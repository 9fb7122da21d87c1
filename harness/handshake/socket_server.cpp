#include "harness/handshake/socket_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "harness/handshake/load_runner.h"
#include "harness/ossl/ossl_ptr.h"

namespace tlsmatrix::handshake {

namespace {
[[noreturn]] void sys_fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}
}  // namespace

Listener::Listener() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) sys_fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  // A deep backlog: at high concurrency connections arrive in bursts.
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 1024) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int saved = errno;
    close(fd_);
    errno = saved;
    sys_fail("listening on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  // Accepted sockets inherit TCP_NODELAY: the server's flight goes out at once, not held back
  // by Nagle for the client's ACK, without a setsockopt per connection.
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Listener::~Listener() {
  if (fd_ >= 0) close(fd_);
}

struct HandshakeServer::Connection {
  int fd = -1;
  ossl::SslPtr ssl;
  bool registered = false;
};

namespace {
// Marks the stop eventfd in the epoll set (connections carry their Connection*, the listener
// carries nullptr).
char stop_tag;
}  // namespace

HandshakeServer::HandshakeServer(const Listener& listener, SSL_CTX* ctx, int threads, int cpu)
    : listen_fd_(listener.fd()), ctx_(ctx) {
  // A peer that closes first must cost an EPIPE, not the process.
  signal(SIGPIPE, SIG_IGN);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) sys_fail("epoll/eventfd");
  epoll_event ev{};
  // EPOLLEXCLUSIVE: when several processes serve one listener, a connection wakes only one.
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  ev.data.ptr = nullptr;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) sys_fail("epoll_ctl listener");
  ev.events = EPOLLIN;
  ev.data.ptr = &stop_tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) sys_fail("epoll_ctl eventfd");
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, cpu] {
      if (cpu >= 0) pin_this_thread(cpu);
      loop();
    });
  }
}

HandshakeServer::~HandshakeServer() {
  stopping_.store(true);
  std::uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
  for (auto& t : threads_) t.join();
  for (Connection* c : open_) {
    close(c->fd);
    delete c;
  }
  close(wake_fd_);
  close(epoll_fd_);
}

ServerCounters HandshakeServer::counters() const {
  return {handshakes_.load(), failures_.load(), client_certs_.load(), resumed_.load()};
}

void HandshakeServer::loop() {
  while (!stopping_.load(std::memory_order_relaxed)) {
    // One event at a time: a thread that took two would work them in turn while a sibling idles.
    epoll_event ev{};
    int n = epoll_wait(epoll_fd_, &ev, 1, 1000);
    if (n <= 0) continue;
    if (ev.data.ptr == &stop_tag) break;
    if (ev.data.ptr == nullptr) {
      accept_one();
      continue;
    }
    auto* c = static_cast<Connection*>(ev.data.ptr);
    drive(c);
  }
}

void HandshakeServer::accept_one() {
  int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;  // another thread or process took it
  auto* c = new Connection;
  c->fd = fd;
  c->ssl.reset(SSL_new(ctx_));
  if (!c->ssl || SSL_set_fd(c->ssl.get(), fd) != 1) {
    ERR_clear_error();
    failures_.fetch_add(1, std::memory_order_relaxed);
    close(fd);
    delete c;
    return;
  }
  SSL_set_accept_state(c->ssl.get());
  {
    std::lock_guard lock(open_mu_);
    open_.insert(c);
  }
  // The ClientHello is usually there already: start at once instead of waiting for an event.
  drive(c);
}

bool HandshakeServer::drive(Connection* c) {
  int rc = SSL_do_handshake(c->ssl.get());
  if (rc != 1) {
    int err = SSL_get_error(c->ssl.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      epoll_event ev{};
      ev.events = (err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT) | EPOLLONESHOT;
      ev.data.ptr = c;
      int op = c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
      c->registered = true;
      // After this call another thread may own c: touch nothing of it afterwards.
      if (epoll_ctl(epoll_fd_, op, c->fd, &ev) == 0) return true;
    }
    ERR_clear_error();
    failures_.fetch_add(1, std::memory_order_relaxed);
  } else {
    handshakes_.fetch_add(1, std::memory_order_relaxed);
    if (SSL_get0_peer_certificate(c->ssl.get()) != nullptr) {
      client_certs_.fetch_add(1, std::memory_order_relaxed);
    }
    if (SSL_session_reused(c->ssl.get()) == 1) resumed_.fetch_add(1, std::memory_order_relaxed);
  }
  {
    std::lock_guard lock(open_mu_);
    open_.erase(c);
  }
  // No close_notify: the benchmark measures handshakes, and the client has already gone.
  c->ssl.reset();
  close(c->fd);
  delete c;
  return false;
}

}  // namespace tlsmatrix::handshake
