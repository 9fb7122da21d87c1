#include "harness/net/host_port.h"

#include <charconv>

#include "harness/io/input_error.h"

namespace tlsmatrix::net {

std::string HostPort::text() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

namespace {

HostPort parse(std::string_view text, std::string_view flag, int min_port) {
  auto bad = [&](const std::string& why) {
    std::string what = flag.empty() ? std::string(text) : std::string(flag) + " " + std::string(text);
    return io::InputError(what + ": " + why + " (expected HOST:PORT, e.g. 127.0.0.1:19530)");
  };
  HostPort hp;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) throw bad("unclosed '[' in IPv6 address");
    hp.host = std::string(text.substr(1, close - 1));
    if (close + 1 >= text.size() || text[close + 1] != ':') throw bad("no port after ']'");
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw bad("no port");
    hp.host = std::string(text.substr(0, colon));
    if (hp.host.find(':') != std::string::npos) throw bad("IPv6 addresses need brackets");
    port_text = text.substr(colon + 1);
  }
  if (hp.host.empty()) throw bad("empty host");
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < min_port || port > 65535) {
    throw bad("port must be a number from " + std::to_string(min_port) + " to 65535");
  }
  hp.port = port;
  return hp;
}

}  // namespace

HostPort parse_host_port(std::string_view text, std::string_view flag) { return parse(text, flag, 1); }

HostPort parse_listen_address(std::string_view text, std::string_view flag) { return parse(text, flag, 0); }

}  // namespace tlsmatrix::net
