#include "harness/probe/h2_frames.h"

namespace tlsmatrix::probe {

const std::string& h2_client_preface() {
  static const std::string preface = [] {
    std::string p = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    // SETTINGS frame: length 0, type 0x4, flags 0, stream 0.
    p.append("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
    return p;
  }();
  return preface;
}

ReplyKind classify_reply(std::string_view b) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 3 && byte(1) == 0x03 && byte(2) <= 0x04) {
    if (byte(0) == 0x15) return ReplyKind::tls_alert;
    if (byte(0) >= 0x14 && byte(0) <= 0x17) return ReplyKind::tls_other;
  }
  if (b.substr(0, 7) == "HTTP/1.") return ReplyKind::http1;
  if (b.size() >= kH2FrameHeaderBytes) {
    std::size_t length = (std::size_t{byte(0)} << 16) | (std::size_t{byte(1)} << 8) | byte(2);
    bool stream0 = (byte(5) & 0x7f) == 0 && byte(6) == 0 && byte(7) == 0 && byte(8) == 0;
    // A SETTINGS payload is a multiple of 6 bytes; the server's first frame must be SETTINGS.
    if (byte(3) == 0x04 && stream0 && length % 6 == 0) return ReplyKind::h2_settings;
  }
  return ReplyKind::other;
}

std::string_view describe(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::h2_settings: return "an HTTP/2 SETTINGS frame";
    case ReplyKind::tls_alert: return "a TLS alert";
    case ReplyKind::tls_other: return "a TLS record";
    case ReplyKind::http1: return "an HTTP/1 response";
    case ReplyKind::other: return "bytes that are neither HTTP/2 nor TLS";
  }
  return "?";
}

}  // namespace tlsmatrix::probe
