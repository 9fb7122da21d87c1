// HOST:PORT as a user types it on the command line (`probe ENDPOINT`, `bench --target`).
#pragma once

#include <string>
#include <string_view>

namespace tlsmatrix::net {

struct HostPort {
  std::string host;  // as given, without IPv6 brackets
  int port = 0;      // 1..65535
  std::string text() const;  // "host:port" or "[v6]:port"
};

// Parses "host:port", "1.2.3.4:port" or "[::1]:port". Strict, so that a typo is reported rather
// than guessed at: IPv6 needs brackets ("::1:80" could be either), the port is a number from 1
// to 65535 (no service names). Throws InputError naming the value, after `flag` when given:
// "--target ::1:80: IPv6 addresses need brackets (expected HOST:PORT, e.g. 127.0.0.1:19530)".
HostPort parse_host_port(std::string_view text, std::string_view flag = {});

// The same for an address to listen on, where port 0 asks for any free port (`serve --listen`).
HostPort parse_listen_address(std::string_view text, std::string_view flag = {});

}  // namespace tlsmatrix::net
