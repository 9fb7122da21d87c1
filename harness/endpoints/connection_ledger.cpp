#include "harness/endpoints/connection_ledger.h"

#include <charconv>
#include <utility>

#include "harness/io/duration_text.h"
#include "harness/ossl/tls_alert.h"

namespace tlsmatrix::endpoints {

namespace {

ServerEvent line(bool ok, verdict::Reason reason, std::string detail) {
  ServerEvent e;
  e.kind = ServerEvent::Kind::connection;
  e.ok = ok;
  e.reason = reason;
  e.detail = std::move(detail);
  return e;
}

std::string closed_by(const ConnectionFacts& f) {
  switch (f.closer) {
    case Closer::client: return f.reset ? "the client reset the connection" : "the client closed the connection";
    case Closer::server: return f.reset ? "the server reset the connection" : "the server closed the connection";
    case Closer::shutdown: return "serve stopped";
    case Closer::harness: break;
  }
  return "serve could not relay it (" + f.harness_error + ")";
}

std::string hello_progress(const ClientStart& c) {
  std::string s = std::to_string(c.have);
  if (c.hello_size != 0) s += " of " + std::to_string(c.hello_size);
  return s + " bytes";
}

std::string offered(const ClientStart& c) {
  if (!c.alpn_offered || c.alpn.empty()) return "none at all";
  std::string s = "only ";
  for (std::size_t i = 0; i < c.alpn.size(); ++i) s += (i ? ", " : "") + c.alpn[i];
  return s;
}

// Without an RPC: what the bytes and the way the connection ended show, when they show it.
std::optional<ServerEvent> from_the_bytes(const ConnectionSummary& s) {
  const ConnectionFacts& f = s.facts;
  const ClientStart& c = f.client_start;
  using K = ClientStart::Kind;
  if (c.kind == K::nothing) {
    if (f.closer == Closer::server) {
      // Only gRPC's handshake deadline closes a connection that has sent nothing.
      return line(false, verdict::Reason::timeout,
                  "the client sent nothing; the server closed the connection after " + io::seconds_text(f.duration));
    }
    if (f.closer == Closer::shutdown) return line(false, verdict::Reason::unclassified, "the client had sent nothing when serve stopped");
    return line(false, verdict::Reason::unclassified, std::string(f.reset ? "the client reset" : "the client closed") +
                                                 " the connection before sending anything");
  }
  if (s.mode != 1 && s.mode != 2) {
    if (c.kind != K::not_tls) {
      return line(false, verdict::Reason::tls_to_plaintext,
                  "the client started a TLS handshake; this server speaks plaintext (tlsMode " + std::to_string(s.mode) + ")");
    }
    if (!c.http2_preface) {
      return line(false, verdict::Reason::protocol_mismatch,
                  "the client did not send HTTP/2's preface (its first bytes: '" + c.preview + "'); gRPC speaks only HTTP/2");
    }
    return std::nullopt;
  }
  switch (c.kind) {
    case K::not_tls:
      return line(false, verdict::Reason::plaintext_to_tls, "the client did not speak TLS (its first bytes: '" + c.preview + "')");
    case K::hello_partial:
      if (f.closer == Closer::server) {
        return line(false, verdict::Reason::timeout,
                    "the client's ClientHello stopped after " + hello_progress(c) +
                        "; the server closed the connection after " + io::seconds_text(f.duration));
      }
      if (f.closer == Closer::shutdown) {
        return line(false, verdict::Reason::unclassified,
                    "the client's ClientHello was incomplete (" + hello_progress(c) + ") when serve stopped");
      }
      return line(false, verdict::Reason::unclassified,
                  std::string(f.reset ? "the client reset" : "the client closed") +
                      " the connection during its ClientHello (" + hello_progress(c) + ")");
    case K::malformed:
      return line(false, verdict::Reason::unclassified,
                  "the client's first bytes start like TLS but are no ClientHello the harness can read (" +
                      std::to_string(c.have) + " bytes); " + closed_by(f));
    case K::hello:
      // gRPC checks ALPN after the TLS handshake and closes without a word or an alert; a
      // refusal that may be this connection's, or an alert the server sent before, would say
      // the handshake failed for another reason first.
      if (!c.offers_h2() && f.closer == Closer::server && s.ambiguous.empty() &&
          f.server_start.kind != ServerStart::Kind::alert) {
        return line(false, verdict::Reason::protocol_mismatch,
                    "the client offered no ALPN h2 (" + offered(c) + "); gRPC closed the connection: it runs only over HTTP/2");
      }
      return std::nullopt;
    case K::nothing: break;
  }
  return std::nullopt;
}

}  // namespace

ServerEvent connection_end_event(const ConnectionSummary& s) {
  const ConnectionFacts& f = s.facts;
  ServerEvent e;
  std::string verified = s.verified.empty() ? "" : s.verified + "; ";
  if (s.rpcs > 0) {
    e = line(true, verdict::Reason::ok,
             verified + std::to_string(s.rpcs) + (s.rpcs == 1 ? " RPC" : " RPCs") + ", then " + closed_by(f) +
                 " after " + io::seconds_text(f.duration));
  } else if (f.closer == Closer::harness) {
    e = line(false, verdict::Reason::unclassified, "serve could not relay the connection: " + f.harness_error);
  } else if (s.refusal) {
    e = *s.refusal;
    e.kind = ServerEvent::Kind::connection;
  } else if (auto seen = from_the_bytes(s)) {
    e = *seen;
  } else if (!s.ambiguous.empty()) {
    std::string reports;
    for (const auto& r : s.ambiguous) reports += (reports.empty() ? "'" : " or '") + r + "'";
    e = line(false, verdict::Reason::unclassified,
             "the server refused a handshake while others were under way, and gRPC's report names no "
             "connection: " + reports + "; " + closed_by(f));
  } else if (f.server_start.kind == ServerStart::Kind::alert) {
    e = line(false, verdict::Reason::unclassified,
             "the server sent a TLS alert (" + ossl::alert_name(f.server_start.alert) + ") and " + closed_by(f) +
                 "; gRPC logged nothing the harness could tie to it");
  } else if (f.closer == Closer::server) {
    e = line(false, verdict::Reason::unclassified,
             verified + "the server closed the connection before any RPC; gRPC reported nothing the harness "
                        "could tie to it");
  } else if (f.closer == Closer::shutdown) {
    e = line(false, verdict::Reason::unclassified, verified + "no RPC before serve stopped");
  } else {
    std::string answered = f.server_start.kind == ServerStart::Kind::handshake ? ", the server having answered its ClientHello" : "";
    e = line(false, verdict::Reason::unclassified,
             verified + "no RPC: " + closed_by(f) + " after " + io::seconds_text(f.duration) + answered);
  }
  e.peer = f.client;
  return e;
}

ConnectionLedger::ConnectionLedger(int mode, Print print) : mode_(mode), print_(std::move(print)) {}

void ConnectionLedger::opened(const ConnectionFacts& facts) {
  std::lock_guard lock(mu_);
  Entry& e = open_[facts.id];
  e.summary.mode = mode_;
  e.summary.facts = facts;
  if (facts.backend_port != 0) by_backend_port_[facts.backend_port] = facts.id;
}

void ConnectionLedger::relayed_to_server(std::uint64_t id, ClientStart::Kind start) {
  std::lock_guard lock(mu_);
  auto it = open_.find(id);
  if (it == open_.end()) return;
  it->second.sent = true;
  it->second.start = start;
  it->second.last_sent = std::chrono::steady_clock::now();
}

void ConnectionLedger::ended(const ConnectionFacts& facts) {
  std::lock_guard lock(mu_);
  ConnectionSummary summary;
  summary.mode = mode_;
  bool printed = false;
  if (auto it = open_.find(facts.id); it != open_.end()) {
    summary = std::move(it->second.summary);
    printed = it->second.printed;
    open_.erase(it);
  }
  if (auto it = by_backend_port_.find(facts.backend_port); it != by_backend_port_.end() && it->second == facts.id) {
    by_backend_port_.erase(it);
  }
  summary.facts = facts;
  if (!printed) print_(connection_end_event(summary));
}

void ConnectionLedger::report(const ServerEvent& e) {
  std::lock_guard lock(mu_);
  if (e.kind == ServerEvent::Kind::rpc) {
    // gRPC's peer is the relay's socket, 127.0.0.1:PORT: the port names the connection.
    int port = 0;
    auto colon = e.peer.rfind(':');
    if (colon != std::string::npos && e.peer.compare(0, colon, "127.0.0.1") == 0) {
      std::from_chars(e.peer.data() + colon + 1, e.peer.data() + e.peer.size(), port);
    }
    auto it = by_backend_port_.find(port);
    if (it == by_backend_port_.end()) {
      print_(e);  // not through the front (a client that found the inner port)
      return;
    }
    Entry& entry = open_[it->second];
    ++entry.summary.rpcs;
    ServerEvent ev = e;
    ev.peer = entry.summary.facts.client;
    print_(ev);
    return;
  }
  // A handshake verdict without a connection: the connections gRPC may be judging are those that
  // sent it bytes lately, of the kind the verdict is about, and have neither served an RPC nor
  // been judged already. OpenSSL's "wrong version number" and the like (plaintext_to_tls) come
  // from bytes that are no TLS handshake; everything else from a ClientHello that was whole.
  using K = ClientStart::Kind;
  bool about_plaintext = !e.ok && e.reason == verdict::Reason::plaintext_to_tls;
  auto now = std::chrono::steady_clock::now();
  std::vector<Entry*> candidates;
  for (auto& [id, entry] : open_) {
    const ConnectionSummary& s = entry.summary;
    if (!entry.sent || s.rpcs > 0 || s.refusal || !s.verified.empty()) continue;
    if (now - entry.last_sent > kReportWindow) continue;
    bool kind_fits = about_plaintext ? (entry.start == K::not_tls || entry.start == K::malformed)
                                     : (entry.start == K::hello || entry.start == K::malformed);
    if (kind_fits) candidates.push_back(&entry);
  }
  if (e.ok) {
    // A passed check is worth a mention on the closing line; when unsure, the RPCs tell.
    if (candidates.size() == 1) candidates.front()->summary.verified = e.detail;
    return;
  }
  if (candidates.size() == 1) {
    // Printed now, as gRPC decides, not when the client gets round to closing.
    Entry& entry = *candidates.front();
    entry.summary.refusal = e;
    ServerEvent line = e;
    line.kind = ServerEvent::Kind::connection;
    line.peer = entry.summary.facts.client;
    print_(line);
    entry.printed = true;
  } else if (candidates.empty()) {
    print_(e);  // about no connection the front knows: printed as gRPC said it
  } else {
    std::string text = std::string(to_string(e.reason)) + (e.detail.empty() ? "" : ": " + e.detail);
    for (Entry* c : candidates) c->summary.ambiguous.push_back(text);
  }
}

}  // namespace tlsmatrix::endpoints
