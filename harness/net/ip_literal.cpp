#include "harness/net/ip_literal.h"

#include <arpa/inet.h>

namespace tlsmatrix::net {

std::string canonical_ip(std::string_view host) {
  // inet_pton, not inet_aton: the latter takes "123" and "1.2.3" as addresses.
  std::string s(host);
  if (s.find('\0') != std::string::npos) return "";  // inet_pton would stop at it
  unsigned char buf[sizeof(in6_addr)];
  char out[INET6_ADDRSTRLEN] = {0};
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return inet_ntop(AF_INET, buf, out, sizeof out);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return inet_ntop(AF_INET6, buf, out, sizeof out);
  return "";
}

bool is_ip_literal(std::string_view host) { return !canonical_ip(host).empty(); }

}  // namespace tlsmatrix::net
