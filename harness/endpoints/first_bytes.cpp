#include "harness/endpoints/first_bytes.h"

#include <algorithm>
#include <string_view>

namespace tlsmatrix::endpoints {

namespace {

constexpr std::uint8_t kHandshakeRecord = 22;
constexpr std::uint8_t kAlertRecord = 21;
constexpr std::uint8_t kClientHelloMessage = 1;
constexpr std::uint16_t kAlpnExtension = 16;
constexpr std::size_t kMaxRecord = 16384;  // TLSPlaintext.length limit (RFC 8446 5.1)
constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// A bounds-checked reader over the ClientHello body; any read past the end marks it bad.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : b_(b) {}
  bool ok() const { return ok_; }
  std::size_t left() const { return b_.size() - pos_; }
  std::uint32_t num(int bytes) {
    std::uint32_t v = 0;
    if (left() < static_cast<std::size_t>(bytes)) return fail();
    for (int i = 0; i < bytes; ++i) v = (v << 8) | b_[pos_++];
    return v;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    if (left() < n) {
      fail();
      return {};
    }
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::span<const std::uint8_t> vec(int length_bytes) { return take(num(length_bytes)); }

 private:
  std::uint32_t fail() {
    ok_ = false;
    pos_ = b_.size();
    return 0;
  }
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// ClientHello body (RFC 8446 4.1.2): version, random, session id, cipher suites, compression
// methods, then the extensions if any bytes are left. Fills the ALPN fields; false if malformed.
bool parse_hello_body(std::span<const std::uint8_t> body, ClientStart& out) {
  Reader r(body);
  r.take(2 + 32);
  if (r.vec(1).size() > 32) return false;
  auto suites = r.vec(2);
  if (!r.ok() || suites.empty() || suites.size() % 2 != 0) return false;
  if (r.vec(1).empty()) return false;
  if (!r.ok()) return false;
  if (r.left() == 0) return true;  // no extensions at all (TLS 1.2 and older may do that)
  Reader exts(r.vec(2));
  if (!r.ok() || r.left() != 0) return false;
  while (exts.ok() && exts.left() > 0) {
    std::uint32_t type = exts.num(2);
    auto data = exts.vec(2);
    if (!exts.ok()) return false;
    if (type != kAlpnExtension) continue;
    out.alpn_offered = true;
    Reader names(data);
    Reader list(names.vec(2));
    if (!names.ok() || names.left() != 0) return false;
    while (list.ok() && list.left() > 0) {
      auto name = list.vec(1);
      if (!list.ok() || name.empty()) return false;
      out.alpn.emplace_back(name.begin(), name.end());
    }
  }
  return exts.ok();
}

std::string printable_preview(std::span<const std::uint8_t> prefix) {
  std::string s;
  for (std::uint8_t c : prefix.first(std::min<std::size_t>(prefix.size(), 24))) {
    if (c == '\r' || c == '\n') break;
    s += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  return s;
}

}  // namespace

bool ClientStart::offers_h2() const { return std::find(alpn.begin(), alpn.end(), "h2") != alpn.end(); }

ClientStart view_client_start(std::span<const std::uint8_t> prefix) {
  ClientStart out;
  out.have = prefix.size();
  if (prefix.empty()) return out;
  if (prefix[0] != kHandshakeRecord) {
    out.kind = ClientStart::Kind::not_tls;
    auto n = std::min(prefix.size(), kHttp2Preface.size());
    out.http2_preface = std::equal(prefix.begin(), prefix.begin() + n, kHttp2Preface.begin());
    out.preview = printable_preview(prefix);
    return out;
  }
  // Gather the handshake bytes of the records seen so far: a hello may span several records.
  std::vector<std::uint8_t> hs;
  std::size_t off = 0;
  out.kind = ClientStart::Kind::hello_partial;
  while (off < prefix.size()) {
    if (prefix[off] != kHandshakeRecord || (off + 1 < prefix.size() && prefix[off + 1] != 3)) {
      out.kind = ClientStart::Kind::malformed;
      return out;
    }
    if (off + 5 > prefix.size()) break;
    std::size_t len = (std::size_t{prefix[off + 3]} << 8) | prefix[off + 4];
    if (len == 0 || len > kMaxRecord) {
      out.kind = ClientStart::Kind::malformed;
      return out;
    }
    if (off == 0) out.hello_size = 5 + len;
    std::size_t avail = std::min(len, prefix.size() - off - 5);
    hs.insert(hs.end(), prefix.begin() + off + 5, prefix.begin() + off + 5 + avail);
    off += 5 + avail;
    if (hs.size() >= 4) {
      if (hs[0] != kClientHelloMessage) {
        out.kind = ClientStart::Kind::malformed;
        return out;
      }
      std::size_t body = (std::size_t{hs[1]} << 16) | (std::size_t{hs[2]} << 8) | hs[3];
      if (hs.size() >= 4 + body) {
        out.kind = parse_hello_body(std::span(hs).subspan(4, body), out) ? ClientStart::Kind::hello
                                                                         : ClientStart::Kind::malformed;
        return out;
      }
      if (out.hello_size < 4 + body + 5) out.hello_size = 0;  // spans records: size not known yet
    }
    if (avail < len) break;
  }
  if (prefix.size() >= kClientStartBytes) out.kind = ClientStart::Kind::malformed;  // past any real hello
  return out;
}

ServerStart view_server_start(std::span<const std::uint8_t> prefix) {
  ServerStart out;
  if (prefix.empty()) return out;
  if (prefix[0] == kHandshakeRecord) {
    out.kind = ServerStart::Kind::handshake;
  } else if (prefix[0] == kAlertRecord) {
    out.kind = ServerStart::Kind::alert;
    if (prefix.size() >= 7) out.alert = prefix[6];
  } else {
    out.kind = ServerStart::Kind::other;
  }
  return out;
}

}  // namespace tlsmatrix::endpoints
