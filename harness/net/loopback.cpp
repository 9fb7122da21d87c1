#include "harness/net/loopback.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tlsmatrix::net {

namespace {

std::string probe_ipv6_loopback() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("IPv6 is not available here: ") + std::strerror(errno);
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  addr.sin6_port = 0;
  std::string why;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    why = std::string("IPv6 loopback ::1 is not available here: ") + std::strerror(errno);
  }
  ::close(fd);
  return why;
}

}  // namespace

std::string ipv6_loopback_missing() {
  // A machine does not gain or lose its loopback during a run.
  static const std::string why = probe_ipv6_loopback();
  return why;
}

}  // namespace tlsmatrix::net
