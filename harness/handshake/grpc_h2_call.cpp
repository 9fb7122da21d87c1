#include "harness/handshake/grpc_h2_call.h"

#include <nghttp2/nghttp2.h>
#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "harness/ossl/ossl_ptr.h"
#include "harness/ossl/ssl_call.h"

namespace tlsmatrix::handshake {

namespace {

constexpr const char* kPath = "/grpc.health.v1.Health/Check";

struct CallState {
  std::int32_t stream = -1;
  bool closed = false;          // our stream ended
  std::uint32_t close_code = 0; // its RST_STREAM/close error code
  bool goaway = false;
  std::string status;           // :status
  std::string grpc_status;      // from headers or trailers
  std::string grpc_message;
  std::size_t body_sent = 0;
};

// The request body: the 5-byte gRPC message prefix (uncompressed, length 0) of an empty
// HealthCheckRequest (service "" = the server as a whole).
constexpr unsigned char kBody[5] = {0, 0, 0, 0, 0};

ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* flags, nghttp2_data_source*, void* user) {
  auto* st = static_cast<CallState*>(user);
  std::size_t n = std::min(length, sizeof kBody - st->body_sent);
  std::memcpy(buf, kBody + st->body_sent, n);
  st->body_sent += n;
  if (st->body_sent == sizeof kBody) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
              const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
  auto* st = static_cast<CallState*>(user);
  if (frame->hd.stream_id != st->stream) return 0;
  std::string n(reinterpret_cast<const char*>(name), namelen);
  std::string v(reinterpret_cast<const char*>(value), valuelen);
  if (n == ":status") st->status = v;
  if (n == "grpc-status") st->grpc_status = v;
  if (n == "grpc-message") st->grpc_message = v;
  return 0;
}

int on_stream_close(nghttp2_session*, std::int32_t stream, std::uint32_t code, void* user) {
  auto* st = static_cast<CallState*>(user);
  if (stream == st->stream) {
    st->closed = true;
    st->close_code = code;
  }
  return 0;
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type == NGHTTP2_GOAWAY) static_cast<CallState*>(user)->goaway = true;
  return 0;
}

struct SessionDeleter {
  void operator()(nghttp2_session* s) const { nghttp2_session_del(s); }
};
struct CallbacksDeleter {
  void operator()(nghttp2_session_callbacks* c) const { nghttp2_session_callbacks_del(c); }
};

}  // namespace

H2CallResult grpc_health_check_h2(SSL* ssl, const std::string& authority,
                                  const std::function<bool(int)>& wait,
                                  const std::function<std::string(int, int)>& why_closed) {
  H2CallResult out;
  CallState st;
  nghttp2_session_callbacks* raw_cbs = nullptr;
  if (nghttp2_session_callbacks_new(&raw_cbs) != 0) {
    out.error = "HTTP/2: out of memory";
    return out;
  }
  std::unique_ptr<nghttp2_session_callbacks, CallbacksDeleter> cbs(raw_cbs);
  nghttp2_session_callbacks_set_on_header_callback(cbs.get(), on_header);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs.get(), on_stream_close);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs.get(), on_frame_recv);
  nghttp2_session* raw = nullptr;
  if (nghttp2_session_client_new(&raw, cbs.get(), &st) != 0) {
    out.error = "HTTP/2: out of memory";
    return out;
  }
  std::unique_ptr<nghttp2_session, SessionDeleter> session(raw);

  nghttp2_submit_settings(session.get(), NGHTTP2_FLAG_NONE, nullptr, 0);
  auto nv = [](const char* n, const std::string& v) {
    return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(n)),
                      reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), std::strlen(n), v.size(),
                      NGHTTP2_NV_FLAG_NONE};
  };
  const std::string post = "POST", https = "https", path = kPath, grpc = "application/grpc", te = "trailers";
  const nghttp2_nv headers[] = {nv(":method", post), nv(":scheme", https), nv(":path", path),
                                nv(":authority", authority), nv("content-type", grpc), nv("te", te)};
  nghttp2_data_provider body{};
  body.read_callback = read_body;
  st.stream = nghttp2_submit_request(session.get(), nullptr, headers, std::size(headers), &body, nullptr);
  if (st.stream < 0) {
    out.error = std::string("HTTP/2: ") + nghttp2_strerror(st.stream);
    return out;
  }

  // The server ended the connection, or our side broke: one message each, worded alike.
  auto io_failed = [&](int err, int saved_errno, const char* stage) {
    std::string why = why_closed(err, saved_errno);
    std::string queue = ossl::drain_errors();
    if (!why.empty()) {
      out.refused = true;
      out.error = std::string("refused during the gRPC call: ") + why;
    } else {
      out.error = std::string("gRPC call failed (") + stage + "): " +
                  (!queue.empty() ? queue : "SSL error " + std::to_string(err));
    }
    return out;
  };
  // One SSL_read or SSL_write: the bytes it moved (> 0), 0 when it may be tried again after
  // waiting, or -1 when `out` says why the call is over (timed out, refused, failed).
  auto step = [&](auto&& call, const char* stage) {
    ossl::SslCall c = ossl::ssl_call(ssl, call);
    if (c.rc > 0) return c.rc;
    if (c.wants_io()) {
      if (wait(c.err)) return 0;
      out.timed_out = true;
      return -1;
    }
    io_failed(c.err, c.saved_errno, stage);
    return -1;
  };

  unsigned char buf[16384];
  for (;;) {
    // Everything nghttp2 wants to send, written in full.
    for (;;) {
      const std::uint8_t* data = nullptr;
      ssize_t n = nghttp2_session_mem_send(session.get(), &data);
      if (n < 0) {
        out.error = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n));
        return out;
      }
      if (n == 0) break;
      std::size_t off = 0;
      while (off < static_cast<std::size_t>(n)) {
        int rc = step([&] { return SSL_write(ssl, data + off, static_cast<int>(n - off)); }, "write");
        if (rc < 0) return out;
        off += static_cast<std::size_t>(rc);
      }
    }
    if (st.closed || st.goaway) break;
    int rc = step([&] { return SSL_read(ssl, buf, sizeof buf); }, "read");
    if (rc < 0) return out;
    if (rc == 0) continue;
    ssize_t used = nghttp2_session_mem_recv(session.get(), buf, static_cast<std::size_t>(rc));
    if (used < 0) {
      out.error = std::string("HTTP/2 from the server: ") + nghttp2_strerror(static_cast<int>(used));
      return out;
    }
  }
  if (!st.closed) {
    out.refused = true;
    out.error = "refused during the gRPC call: the server sent GOAWAY";
    return out;
  }
  if (st.close_code != NGHTTP2_NO_ERROR) {
    out.refused = true;
    out.error = std::string("refused during the gRPC call: stream reset (") +
                nghttp2_http2_strerror(st.close_code) + ")";
    return out;
  }
  if (st.status != "200" || st.grpc_status != "0") {
    out.refused = true;
    out.error = "the gRPC call failed: HTTP status " + (st.status.empty() ? "none" : st.status) +
                ", grpc-status " + (st.grpc_status.empty() ? "none" : st.grpc_status) +
                (st.grpc_message.empty() ? "" : " (" + st.grpc_message + ")");
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace tlsmatrix::handshake
