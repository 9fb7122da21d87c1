// The server end of the socket benchmark: an event loop that does nothing but TLS handshakes.
// Several threads share one epoll set and every connection is armed one-shot, so whichever
// thread is free takes the next flight of any connection: two handshakes in flight keep two
// cores busy, with no thread per connection and no context per connection (one shared SSL_CTX).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <openssl/ssl.h>

namespace tlsmatrix::handshake {

// A listening TCP socket on 127.0.0.1, port 0 (the kernel picks). Made before worker processes
// are forked, so each of them can serve the same port.
class Listener {
 public:
  Listener();
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int fd() const { return fd_; }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct ServerCounters {
  std::uint64_t handshakes = 0;
  std::uint64_t failures = 0;
  std::uint64_t client_certs = 0;  // handshakes in which the client presented a certificate
  std::uint64_t resumed = 0;
};

class HandshakeServer {
 public:
  // Serves `listener` with `threads` event-loop threads until destroyed. `ctx` must outlive it.
  // With cpu >= 0 the threads run on that CPU only.
  HandshakeServer(const Listener& listener, SSL_CTX* ctx, int threads, int cpu = -1);
  ~HandshakeServer();
  HandshakeServer(const HandshakeServer&) = delete;
  HandshakeServer& operator=(const HandshakeServer&) = delete;

  ServerCounters counters() const;

 private:
  struct Connection;
  void loop();
  void accept_one();
  // Drives a connection's handshake; false once it is finished (and closed).
  bool drive(Connection* c);

  int listen_fd_;
  SSL_CTX* ctx_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd that tells the loops to stop
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> handshakes_{0}, failures_{0}, client_certs_{0}, resumed_{0};
  std::vector<std::thread> threads_;
  // Connections still open when the server stops are closed then (a peer that stalls holds
  // one connection, never a thread).
  std::mutex open_mu_;
  std::unordered_set<Connection*> open_;
};

}  // namespace tlsmatrix::handshake
