// Name resolution bounded by the caller's timeout. getaddrinfo has no timeout of its own: with a
// name server that does not answer it blocks for the resolver's (5 s per attempt and server, 30 s
// or more in all), far past a `probe --timeout 0.5`.
#pragma once

#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace tlsmatrix::net {

struct Address {
  sockaddr_storage storage{};
  socklen_t len = 0;
  std::string text;  // numeric: "127.0.0.1", "::1"
  int family() const { return storage.ss_family; }
  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

struct Resolution {
  std::vector<Address> addresses;  // in the resolver's order; empty when resolution failed
  bool timed_out = false;
  std::string error;  // "cannot resolve HOST: ..." or "resolving HOST timed out after N s"
};

// getaddrinfo's shape, so a test can stand in a resolver that hangs.
using Lookup = std::function<int(const char* host, const char* service, const addrinfo* hints,
                                 addrinfo** result)>;

// The TCP addresses of host:port. An IP literal is converted on the spot (no lookup, nothing to
// wait for). A name is looked up on a helper thread that is waited for at most `timeout`; past
// that it is left to finish on its own, owning everything it touches.
Resolution resolve(const std::string& host, int port, std::chrono::milliseconds timeout);
Resolution resolve(const std::string& host, int port, std::chrono::milliseconds timeout,
                   Lookup lookup);

}  // namespace tlsmatrix::net
