// `serve`'s own listening socket, in front of its gRPC server. gRPC C++ 1.51 says nothing about a
// connection it drops before a call: it has no per-connection hook, logs only some handshake
// failures (and names no connection when it does), and its server API for a socket handed over
// by the application (grpc_server_add_channel_from_fd) takes plaintext credentials only. So
// serve accepts every connection itself, relays its bytes unchanged to the gRPC server on a
// loopback port, and sees what no gRPC hook shows: each connection's client address, its first
// bytes (the ClientHello is in the clear), which side ended it and how.
//
// The relay is one thread polling non-blocking sockets; each direction buffers at most 64 KiB
// and stops reading while its buffer is full, so a slow side slows only its own connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/endpoints/first_bytes.h"

namespace tlsmatrix::endpoints {

// Who ended a connection first.
enum class Closer {
  client,    // the client closed (or reset) its side
  server,    // the gRPC server closed (or reset) its side
  shutdown,  // serve stopped with the connection open
  harness,   // the relay itself failed (could not reach the gRPC server, ran out of descriptors)
};

struct ConnectionFacts {
  std::uint64_t id = 0;
  std::string client;     // "127.0.0.1:54321", "[::1]:54321"
  int backend_port = 0;   // the relay's local port towards gRPC: the "peer" gRPC reports
  ClientStart client_start;
  ServerStart server_start;
  std::uint64_t bytes_from_client = 0;
  std::uint64_t bytes_from_server = 0;
  Closer closer = Closer::shutdown;
  bool reset = false;         // the closer reset the connection rather than closing it
  std::string harness_error;  // Closer::harness: what failed, e.g. "connect: Connection refused"
  std::chrono::milliseconds duration{0};
};

class ConnectionFront {
 public:
  struct Callbacks {
    // All are called on the front's thread and must not block.
    std::function<void(const ConnectionFacts&)> opened;  // id, client and backend_port are set
    // Client bytes are being passed on; `start` is what the client's first bytes are so far.
    std::function<void(std::uint64_t id, ClientStart::Kind start)> relayed_to_server;
    std::function<void(const ConnectionFacts&)> ended;
    std::function<void(const std::string&)> trouble;  // the front's own trouble, e.g. EMFILE
  };

  // Binds and listens on `listen` (HOST:PORT, port 0 = any free port; every address HOST
  // resolves to, on one port); nothing is accepted before start(). nullptr and `error` set if
  // it cannot.
  static std::unique_ptr<ConnectionFront> open(const std::string& listen, std::string* error);
  ~ConnectionFront();  // stop()

  // "HOST:PORT" as given, with the port that was bound.
  std::string address() const { return address_; }

  // Accepts and relays to 127.0.0.1:backend_port on a thread of its own.
  void start(int backend_port, Callbacks callbacks);
  // Ends every open connection (each reported with Closer::shutdown) and the thread.
  void stop();

 private:
  ConnectionFront() = default;
  void run();
  std::vector<int> listeners_;
  std::string address_;
  int wake_fd_ = -1;
  int backend_port_ = 0;
  Callbacks callbacks_;
  std::thread thread_;
};

}  // namespace tlsmatrix::endpoints
