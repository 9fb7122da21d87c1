// What the first bytes of a connection say, as `serve`'s connection front sees them on their way
// to the gRPC server: from the client, a TLS ClientHello (whole or cut short, and the ALPN names
// it offers) or something that is not TLS; from the server, a handshake answer or an alert. All
// of it is sent in the clear, before any key exists, so it is read without taking part.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tlsmatrix::endpoints {

struct ClientStart {
  enum class Kind {
    nothing,      // no byte yet
    hello_partial,  // a TLS ClientHello has begun and is not whole yet
    hello,        // a whole TLS ClientHello
    malformed,    // starts like a TLS handshake record and then does not parse as a ClientHello
    not_tls,      // the first byte is no TLS handshake record: plaintext (HTTP/2 preface, HTTP/1, ...)
  };
  Kind kind = Kind::nothing;
  std::size_t have = 0;             // bytes seen
  std::size_t hello_size = 0;       // hello_partial/hello: the bytes the whole hello takes, records
                                    // included, once its length is known (0 before)
  bool alpn_offered = false;        // hello: the ALPN extension is present
  std::vector<std::string> alpn;    // hello: the names it offers, in order
  bool http2_preface = false;       // not_tls: the bytes are (the start of) HTTP/2's preface
  std::string preview;              // not_tls: the first bytes, printable ("GET / HTTP/1.1")

  bool offers_h2() const;
};

// `prefix` is what the client sent so far (a capped prefix is fine: 16 KiB holds any hello a real
// client sends, and a larger one is reported as malformed rather than guessed at).
ClientStart view_client_start(std::span<const std::uint8_t> prefix);

struct ServerStart {
  enum class Kind { nothing, handshake, alert, other };
  Kind kind = Kind::nothing;
  int alert = -1;  // alert: its description (e.g. 70 = protocol version)
};

ServerStart view_server_start(std::span<const std::uint8_t> prefix);

// The prefix of a client's bytes worth keeping for view_client_start.
inline constexpr std::size_t kClientStartBytes = 16 * 1024 + 5;

}  // namespace tlsmatrix::endpoints
