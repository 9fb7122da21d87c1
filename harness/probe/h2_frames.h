// Just enough HTTP/2 to tell a gRPC server from anything else: the client connection preface and
// an empty SETTINGS frame to send, and a classifier for the first bytes a server sends back.
#pragma once

#include <string>
#include <string_view>

namespace tlsmatrix::probe {

// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" followed by an empty SETTINGS frame (RFC 9113, 3.4).
const std::string& h2_client_preface();

// Bytes needed to classify a reply (one frame header or one TLS record header).
inline constexpr std::size_t kH2FrameHeaderBytes = 9;

enum class ReplyKind {
  h2_settings,  // a SETTINGS frame on stream 0: an HTTP/2 server (a gRPC server speaks first with it)
  tls_alert,    // a TLS alert record: a TLS server refusing what it read
  tls_other,    // another TLS record type
  http1,        // "HTTP/1.x ...": an HTTP/1 server
  other,        // anything else (or too short to tell)
};

ReplyKind classify_reply(std::string_view bytes);
std::string_view describe(ReplyKind kind);

}  // namespace tlsmatrix::probe
