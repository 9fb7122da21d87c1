#include "harness/probe/probe.h"

#include <algorithm>
#include <csignal>

#include "harness/certs/cert_factory.h"
#include "harness/probe/chain_checks.h"
#include "harness/probe/plaintext_check.h"
#include "harness/probe/probe_findings.h"
#include "harness/verdict/advice.h"

namespace tlsmatrix::probe {

bool ProbeReport::passed() const {
  const findings::Counts n = findings::count(checks);
  return n.errors == 0 && n.inconclusive == 0;
}

std::string mode_description(int mode) {
  switch (mode) {
    case 0: return "plaintext gRPC";
    case 1: return "TLS without client authentication";
    case 2: return "TLS requiring a client certificate";
  }
  return "unknown";
}

namespace {

// A client certificate from a CA made up on the spot, which no real server can trust.
ClientIdentity unrelated_identity() {
  std::vector<certs::CertSpec> specs(2);
  specs[0].name = "probe-unrelated-ca";
  specs[0].cn = "tlsmatrix probe unrelated CA";
  specs[0].ca = true;
  specs[0].key_type = certs::KeyType::ec_p256;
  specs[1].name = "probe-unrelated-client";
  specs[1].issuer = "probe-unrelated-ca";
  specs[1].cn = "tlsmatrix-probe-client";
  specs[1].key_type = certs::KeyType::ec_p256;
  specs[1].ext_key_usage = {"clientAuth"};
  certs::CertSet set = certs::build_cert_set(specs);
  const certs::GeneratedCert& leaf = set.get("probe-unrelated-client");
  ClientIdentity id;
  id.chain.push_back(ossl::up_ref(leaf.cert.get()));
  id.key = ossl::up_ref(leaf.key.get());
  return id;
}

class Prober {
 public:
  explicit Prober(ProbeOptions& o) : o_(o) {
    r_.endpoint = o.endpoint.text();
    r_.server_name = o.server_name.empty() ? o.endpoint.host : o.server_name;
    r_.timeout = o.timeout;
    r_.alive_wait = std::min(o.timeout, std::chrono::milliseconds(1000));
    r_.expected_mode = o.expected_mode;
  }

  ProbeReport run() {
    PlaintextResult pt = check_plaintext_h2(o_.endpoint, o_.timeout);
    if (pt.status == PlaintextResult::Status::connect_failed) {
      // A name that never became an address is told from a refused port by the typed flag.
      const bool unresolved = pt.unresolved;
      add("tcp_connect", Severity::error, "TCP connection to " + r_.endpoint, pt.error,
          unresolved ? "check the host name (DNS or /etc/hosts on this machine), or give the "
                       "server's IP address"
                     : "is the server running and listening on that address and port?",
          pt.connect_timed_out ? std::optional(verdict::Reason::timeout) : std::nullopt);
      return finish();
    }
    o_.endpoint.pinned = pt.address;
    r_.address = pt.address;
    add("tcp_connect", Severity::ok, "TCP connection to " + r_.endpoint,
        pt.address == o_.endpoint.host ? "" : "connected to " + pt.address);
    if (pt.status == PlaintextResult::Status::timeout) {
      add("answers", Severity::error, "the endpoint answers",
          "it accepted the TCP connection but sent nothing back within " +
              io::seconds_text(o_.timeout) +
              " (a gRPC server answers the HTTP/2 preface at once; a TLS server rejects it at once)",
          "check the address: something that is neither gRPC nor TLS (or a stuck server) holds "
          "this port",
          verdict::Reason::timeout);
      return finish();
    }
    if (pt.is_plaintext_h2()) {
      plaintext_endpoint(pt);
      return finish();
    }
    tls_endpoint(pt);
    return finish();
  }

 private:
  void add(std::string id, Severity s, std::string title, std::string detail,
           std::string hint = {}, std::optional<verdict::Reason> reason = std::nullopt) {
    add_check(r_, std::move(id), s, std::move(title), std::move(detail), std::move(hint), reason);
  }

  TlsAttempt attempt(const ClientIdentity* identity) {
    return attempt_tls(o_.endpoint, TlsAttemptOptions{r_.server_name, identity, o_.timeout,
                                                      r_.alive_wait});
  }

  void plaintext_endpoint(const PlaintextResult& pt) {
    r_.inferred_mode = 0;
    add("plaintext_h2", Severity::ok, "speaks plaintext HTTP/2 (gRPC)",
        "sent the HTTP/2 preface in plaintext: " + pt.summary);
    const bool tls_files = !o_.trust.empty() || o_.client.has_value();
    const bool tls_expected = (o_.expected_mode && *o_.expected_mode > 0) || tls_files;
    if (tls_expected) {
      // Some servers take TLS and plaintext on one port (a connection multiplexer): then TLS
      // protects nothing, since a client can simply skip it.
      TlsAttempt tls = attempt(nullptr);
      if (tls.server_hello) {
        take_session(tls);
        r_.asks_for_client_cert = tls.cert_requested;
        add("rejects_plaintext", Severity::error, "a plaintext client is turned away",
            "the endpoint speaks TLS (" + tls.summary() + ") and also plaintext gRPC",
            "serve TLS only on this port: plaintext clients bypass TLS and any client "
            "certificate check",
            verdict::Reason::plaintext_to_tls);
        return;
      }
      if (tls_files) {
        // The user expects TLS: every client set up with these files fails here.
        add("tls_files_unused", Severity::error, "the endpoint serves TLS for your TLS client files",
            "the endpoint serves plaintext while you configured TLS client files (" +
                tls_file_list() + "): clients configured with them would fail tls_to_plaintext",
            verdict::advice(verdict::Reason::tls_to_plaintext, nullptr, verdict::AdviceFor::probe, {}),
            verdict::Reason::tls_to_plaintext);
      }
      // --tls-mode alone: the expected_mode check says it.
      return;
    }
    add("plaintext_exposure", Severity::warning, "plaintext: nothing is encrypted",
        "anyone on the network path can read and call this endpoint",
        "use tlsMode 1 or 2 unless the network itself is trusted");
  }

  void tls_endpoint(const PlaintextResult& pt) {
    TlsAttempt bare = attempt(nullptr);
    if (bare.stage == TlsAttempt::Stage::connect_failed ||
        bare.stage == TlsAttempt::Stage::timeout) {
      add("tls_handshake", Severity::error, "TLS handshake", bare.summary(),
          "the server stopped answering: check its log",
          bare.stage == TlsAttempt::Stage::timeout ? std::optional(verdict::Reason::timeout) : std::nullopt);
      return;
    }
    // A TLS alert in answer to either greeting shows a TLS server, even without a ServerHello.
    const bool speaks_tls = bare.server_hello || bare.alert ||
                            (pt.status == PlaintextResult::Status::reply &&
                             (pt.kind == ReplyKind::tls_alert || pt.kind == ReplyKind::tls_other));
    if (!speaks_tls) {
      add("protocol", Severity::error, "speaks plaintext HTTP/2 or TLS",
          "neither: to the HTTP/2 preface " + pt.summary + "; to a TLS ClientHello: " +
              bare.summary(),
          "this port does not serve gRPC: check the address",
          // A peer that closes, resets or answers garbage shares no protocol with us: the
          // taxonomy's name for that, so scripts reading the JSON get a reason, not only prose.
          verdict::Reason::protocol_mismatch);
      return;
    }
    if (!bare.server_hello) {
      add("tls_handshake", Severity::error, "TLS handshake", bare.summary(),
          "no common TLS version or cipher suite: the probe offers TLS 1.2 and 1.3 with "
          "OpenSSL's default suites",
          verdict::Reason::protocol_mismatch);
      return;
    }
    r_.asks_for_client_cert = bare.cert_requested;
    if (bare.stage == TlsAttempt::Stage::established) r_.handshake_time = bare.handshake_time;
    take_session(bare);
    add("rejects_plaintext", Severity::ok, "a plaintext client is turned away",
        "sent the HTTP/2 preface in plaintext: " + pt.summary);
    if (bare.stopped_locally()) {
      // Every other connection would end the same way: nothing more can be learnt.
      add("tls_handshake", Severity::inconclusive, "a TLS handshake with the server completes",
          bare.summary(), local_failure_hint(bare));
      return;
    }

    if (bare.accepted()) {
      r_.inferred_mode = 1;
      if (bare.cert_requested) {
        add("client_cert_required", Severity::error, "a client without a certificate is turned away",
            "not safe as mode 2: accepts unauthenticated clients. It asks for a client "
            "certificate, but a client that sent none got in: " + bare.summary(),
            kRequireHint, verdict::Reason::client_cert_missing);
      } else {
        add("tls_handshake", Severity::ok, "a TLS client without a certificate gets in",
            bare.summary());
      }
    } else if (bare.cert_requested && bare.rejected()) {
      r_.inferred_mode = 2;
      add("client_cert_required", Severity::ok, "a client without a certificate is turned away",
          bare.summary());
    } else if (bare.cert_requested) {
      // It asked, then ended the handshake before it had the client's (empty) answer.
      add("client_cert_required", Severity::inconclusive,
          "a client without a certificate is turned away", bare.summary(),
          "the server ended the handshake before it saw the client's answer, so the probe cannot "
          "tell whether it requires a certificate: see the server's log");
    } else {
      add("tls_handshake", Severity::error, "a TLS client without a certificate gets in",
          bare.summary() + " (the server did not ask for a client certificate)",
          bare.alert == 120 ? "the server does not take ALPN h2 (alert 120): this is not a gRPC "
                              "endpoint, or a proxy in front of it does not speak HTTP/2"
                            : "the server ended the handshake: its log says why",
          verdict::Reason::protocol_mismatch);
    }

    const bool check_mode2 = r_.inferred_mode == 2 || o_.expected_mode == 2 || bare.cert_requested;
    if (check_mode2) {
      if (o_.expected_mode == 2 && !bare.cert_requested && bare.accepted()) {
        add("client_cert_required", Severity::error,
            "a client without a certificate is turned away",
            "the server never asked for a client certificate and let the client in: it runs as "
            "mode 1, not mode 2",
            kRequireHint, verdict::Reason::client_cert_missing);
      }
      unrelated_ca_check();
      own_client_check();
    } else if (o_.client && r_.inferred_mode == 1) {
      add("client_cert_unused", Severity::warning, "your client certificate is not used",
          "the server does not ask for one, so " + o_.client_pem_file + " is never sent",
          "for mutual TLS the server needs tlsMode 2 (and caPemPath)");
    }
    chain_checks(o_, chain_, r_);
    validity_checks(r_);
  }

  void unrelated_ca_check() {
    ClientIdentity stranger = unrelated_identity();
    TlsAttempt a = attempt(&stranger);
    const std::string title = "a client certificate from an unrelated CA is turned away";
    if (a.rejected()) {
      add("unrelated_ca_rejected", Severity::ok, title, a.summary());
    } else if (a.accepted()) {
      add("unrelated_ca_rejected", Severity::error, title,
          std::string("accepted a certificate from a CA the probe made up just now (") +
              (a.cert_sent ? "sent" : "not even asked for") + "): " + a.summary(),
          "the server does not verify client certificates against its CA: set caPemPath "
          "(ClientCAs) to your CA only and require verification",
          verdict::Reason::client_cert_unknown_ca);
    } else {
      not_seen("unrelated_ca_rejected", title, a);
    }
  }

  void own_client_check() {
    const std::string title = "a client with your certificate gets in";
    if (!o_.client) {
      add("client_cert_accepted", Severity::warning, title, "not checked: no client certificate given",
          "pass --client-pem and --client-key to check that a real client gets in");
      return;
    }
    TlsAttempt a = attempt(&*o_.client);
    if (a.accepted()) {
      take_session(a);
      add("client_cert_accepted", Severity::ok, title + " (" + o_.client_pem_file + ")",
          a.summary());
    } else if (a.rejected()) {
      add("client_cert_accepted", Severity::error, title + " (" + o_.client_pem_file + ")",
          a.summary(), client_rejection_hint(a, *o_.client, o_.client_pem_file),
          client_reason(a, *o_.client));
    } else {
      not_seen("client_cert_accepted", title + " (" + o_.client_pem_file + ")", a);
    }
  }

  // An attempt the server neither accepted nor visibly refused. A stall is the server's doing
  // (a failure); anything else leaves the check open: the probe's own TLS client stopped the
  // handshake, the server went away, or it closed before it had the client's certificate.
  void not_seen(const std::string& id, const std::string& title, const TlsAttempt& a) {
    if (a.stage == TlsAttempt::Stage::timeout) {
      add(id, Severity::error, title, a.summary(), "the server stopped answering: check its log",
          verdict::Reason::timeout);
    } else if (a.stopped_locally()) {
      add(id, Severity::inconclusive, title, a.summary(), local_failure_hint(a));
    } else {
      add(id, Severity::inconclusive, title, a.summary(),
          "the server did not show its answer to the client's certificate (it was unreachable, "
          "or ended the connection before it saw the certificate): probe again, and see the "
          "server's log");
    }
  }

  std::string tls_file_list() const {
    std::string out;
    if (!o_.trust.empty()) out = "--trust " + o_.trust_file;
    if (o_.client) out += (out.empty() ? "" : ", ") + ("--client-pem " + o_.client_pem_file);
    return out;
  }

  // Keeps the first session's facts; a later session from our own client replaces them, since
  // it is the connection real clients make.
  void take_session(const TlsAttempt& a) {
    if (a.chain.empty() && !chain_.empty()) return;
    r_.tls_version = a.version.empty() ? r_.tls_version : a.version;
    r_.cipher = a.cipher.empty() ? r_.cipher : a.cipher;
    r_.alpn = a.alpn.empty() ? r_.alpn : a.alpn;
    if (!a.acceptable_ca_names.empty()) r_.acceptable_ca_names = a.acceptable_ca_names;
    chain_.clear();
    r_.chain.clear();
    for (const auto& c : a.chain) {
      chain_.push_back(ossl::up_ref(c.get()));
      r_.chain.push_back(describe_cert(c.get()));
    }
  }

  ProbeReport finish() {
    if (o_.expected_mode) {
      std::string title = "runs as mode " + std::to_string(*o_.expected_mode) + " (" +
                          mode_description(*o_.expected_mode) + ")";
      auto pos = r_.checks.begin() + (r_.checks.empty() ? 0 : 1);  // right after tcp_connect
      if (r_.inferred_mode == o_.expected_mode) {
        r_.checks.insert(pos, check("expected_mode", Severity::ok, title, "it does"));
      } else if (!r_.inferred_mode && findings::count(r_.checks).inconclusive > 0) {
        // The mode is unknown because the probe could not tell, not because the server is wrong.
        r_.checks.insert(pos, check("expected_mode", Severity::inconclusive, title,
                                    "its mode could not be determined (see the inconclusive check "
                                    "below)"));
      } else {
        std::string seen = r_.inferred_mode
                               ? "it runs as mode " + std::to_string(*r_.inferred_mode) + " (" +
                                     mode_description(*r_.inferred_mode) + ")"
                               : std::string("its mode could not be determined");
        r_.checks.insert(pos, check("expected_mode", Severity::error, title, seen,
                                    "fix the server's common.security.tlsMode (and its TLS files), "
                                    "or probe with the --tls-mode it is meant to run"));
      }
    }
    return std::move(r_);
  }

  ProbeOptions& o_;
  ProbeReport r_;
  std::vector<ossl::X509Ptr> chain_;
};

}  // namespace

ProbeReport run_probe(ProbeOptions options) {
  // A server that drops the connection while OpenSSL writes must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  return Prober(options).run();
}

}  // namespace tlsmatrix::probe
