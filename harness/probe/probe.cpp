#include "harness/probe/probe.h"

#include <algorithm>
#include <csignal>

#include "harness/certs/cert_factory.h"
#include "harness/io/shell_word.h"
#include "harness/x509/names.h"
#include "harness/probe/plaintext_check.h"
#include "harness/verdict/advice.h"
#include "harness/verdict/hostname_match.h"

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

constexpr const char* kRequireHint =
    "make the server require and verify client certificates: Milvus tlsMode 2 "
    "(Go tls.RequireAndVerifyClientCert with ClientCAs from caPemPath); gRPC C++ "
    "GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY; OpenSSL's s_server: -Verify 1 "
    "with -verify_return_error";

// One check of the probe: what was checked (`title`), what was seen, how to fix it.
Finding check(std::string id, Severity s, std::string title, std::string detail,
              std::string hint = {}, std::optional<Reason> reason = std::nullopt) {
  Finding f = findings::make(std::move(id), s, std::move(detail), std::move(hint));
  f.title = std::move(title);
  f.reason = reason;
  return f;
}

// A client certificate from a CA made up on the spot, which no real server can trust.
ClientIdentity unrelated_identity() {
  std::vector<CertSpec> specs(2);
  specs[0].name = "probe-unrelated-ca";
  specs[0].cn = "tlsmatrix probe unrelated CA";
  specs[0].ca = true;
  specs[0].key_type = KeyType::ec_p256;
  specs[1].name = "probe-unrelated-client";
  specs[1].issuer = "probe-unrelated-ca";
  specs[1].cn = "tlsmatrix-probe-client";
  specs[1].key_type = KeyType::ec_p256;
  specs[1].ext_key_usage = {"clientAuth"};
  CertSet set = build_cert_set(specs);
  const GeneratedCert& leaf = set.get("probe-unrelated-client");
  ClientIdentity id;
  id.chain.push_back(ossl::up_ref(leaf.cert.get()));
  id.key = ossl::up_ref(leaf.key.get());
  return id;
}

// Why the server turned our own client away, as a fix to try.
std::string client_rejection_hint(const TlsAttempt& a, const ClientIdentity& client,
                                  const std::string& pem) {
  if (!a.cert_requested) {
    return "the server never asked for a certificate; it may reject the client for another "
           "reason (see its log)";
  }
  // Servers that close without an alert (gRPC does) still said in their CertificateRequest
  // which issuers they accept.
  std::string issuer = x509::name_text(X509_get_issuer_name(client.chain.front().get()));
  const auto& accepted = a.acceptable_ca_names;
  if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), issuer) == accepted.end()) {
    std::string list;
    for (const auto& n : accepted) list += (list.empty() ? "" : "; ") + n;
    return pem + " is issued by " + issuer + ", but the server accepts client certificates from: " +
           list + ". Use a client certificate signed by the server's CA (caPemPath), or add its CA there";
  }
  switch (a.alert.value_or(-1)) {
    case SSL_AD_UNKNOWN_CA:
      return "the server does not trust the issuer of " + pem +
             ": put the CA that signed it into the server's caPemPath (ClientCAs)";
    case SSL_AD_CERTIFICATE_EXPIRED: return pem + " has expired or is not valid yet: renew it";
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
      return "the server refuses " + pem +
             " itself: check its extendedKeyUsage (clientAuth must be allowed) and keyUsage";
    case SSL_AD_DECRYPT_ERROR:
      return "the client's signature did not verify: does --client-key belong to " + pem + "?";
    default:
      return "the server did not say why (gRPC servers just close): check that " + pem +
             " is signed by the CA in the server's caPemPath, is valid now and allows clientAuth; "
             "the server's log names the cause";
  }
}

// The reason our own client was turned away, from what the server showed: its alert, or the CA
// names of its CertificateRequest. nullopt when it only closed: then it did not say.
std::optional<Reason> client_reason(const TlsAttempt& a, const ClientIdentity& client) {
  switch (a.alert.value_or(-1)) {
    case SSL_AD_UNKNOWN_CA: return Reason::client_cert_unknown_ca;
    case SSL_AD_CERTIFICATE_EXPIRED: return Reason::client_cert_expired;
    case SSL_AD_CERTIFICATE_REQUIRED: return Reason::client_cert_missing;
    default: break;
  }
  std::string issuer = x509::name_text(X509_get_issuer_name(client.chain.front().get()));
  const auto& accepted = a.acceptable_ca_names;
  if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), issuer) == accepted.end()) {
    return Reason::client_cert_unknown_ca;
  }
  // Other alerts do not name one fault: Go servers send "bad certificate" for every one.
  return std::nullopt;
}

// Why the probe's own TLS client stopped a handshake, as what to do about it. The server decided
// nothing, so no fix of the server's policy is suggested.
std::string local_failure_hint(const TlsAttempt& a) {
  if (a.max_cert_list > 0) {
    return "the probe cannot tell what this server lets in. A certificate list this long is "
           "almost always a mistake: check what the server's certificate file (tls.serverPemPath) "
           "holds; it should be the server certificate and its intermediates";
  }
  return "the probe cannot tell what this server lets in: its own TLS client refused what the "
         "server sent (see the detail), so the server decided nothing";
}

// A name the certificate covers that clients could connect with (--server-name): its first DNS
// SAN that is not a wildcard.
std::string first_dns_name(const x509::CertNames& names) {
  for (const auto& n : names.dns) {
    if (n.find('*') == std::string::npos) return n;
  }
  return "";
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
          pt.connect_timed_out ? std::optional(Reason::timeout) : std::nullopt);
      return finish();
    }
    o_.endpoint.pinned = pt.address;
    r_.address = pt.address;
    add("tcp_connect", Severity::ok, "TCP connection to " + r_.endpoint,
        pt.address == o_.endpoint.host ? "" : "connected to " + pt.address);
    if (pt.status == PlaintextResult::Status::timeout) {
      add("answers", Severity::error, "the endpoint answers",
          "it accepted the TCP connection but sent nothing back within " +
              seconds_text(o_.timeout) +
              " (a gRPC server answers the HTTP/2 preface at once; a TLS server rejects it at once)",
          "check the address: something that is neither gRPC nor TLS (or a stuck server) holds "
          "this port",
          Reason::timeout);
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
           std::string hint = {}, std::optional<Reason> reason = std::nullopt) {
    r_.checks.push_back(check(std::move(id), s, std::move(title), std::move(detail),
                              s == Severity::ok ? std::string() : std::move(hint), reason));
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
            Reason::plaintext_to_tls);
        return;
      }
      if (tls_files) {
        // The user expects TLS: every client set up with these files fails here.
        add("tls_files_unused", Severity::error, "the endpoint serves TLS for your TLS client files",
            "the endpoint serves plaintext while you configured TLS client files (" +
                tls_file_list() + "): clients configured with them would fail tls_to_plaintext",
            advice(Reason::tls_to_plaintext, nullptr, AdviceFor::probe, {}),
            Reason::tls_to_plaintext);
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
          bare.stage == TlsAttempt::Stage::timeout ? std::optional(Reason::timeout) : std::nullopt);
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
          Reason::protocol_mismatch);
      return;
    }
    if (!bare.server_hello) {
      add("tls_handshake", Severity::error, "TLS handshake", bare.summary(),
          "no common TLS version or cipher suite: the probe offers TLS 1.2 and 1.3 with "
          "OpenSSL's default suites",
          Reason::protocol_mismatch);
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
            kRequireHint, Reason::client_cert_missing);
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
          Reason::protocol_mismatch);
    }

    const bool check_mode2 = r_.inferred_mode == 2 || o_.expected_mode == 2 || bare.cert_requested;
    if (check_mode2) {
      if (o_.expected_mode == 2 && !bare.cert_requested && bare.accepted()) {
        add("client_cert_required", Severity::error,
            "a client without a certificate is turned away",
            "the server never asked for a client certificate and let the client in: it runs as "
            "mode 1, not mode 2",
            kRequireHint, Reason::client_cert_missing);
      }
      unrelated_ca_check();
      own_client_check();
    } else if (o_.client && r_.inferred_mode == 1) {
      add("client_cert_unused", Severity::warning, "your client certificate is not used",
          "the server does not ask for one, so " + o_.client_pem_file + " is never sent",
          "for mutual TLS the server needs tlsMode 2 (and caPemPath)");
    }
    chain_checks();
    validity_checks();
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
          Reason::client_cert_unknown_ca);
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
          Reason::timeout);
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

  // This probe again with another --server-name, as a command that runs as printed.
  std::string probe_command_with_name(const std::string& name) const {
    std::vector<std::string> args{"tlsmatrix", "probe", r_.endpoint};
    if (o_.expected_mode) args.insert(args.end(), {"--tls-mode", std::to_string(*o_.expected_mode)});
    if (!o_.trust.empty()) args.insert(args.end(), {"--trust", o_.trust_file});
    if (o_.client) {
      args.insert(args.end(),
                  {"--client-pem", o_.client_pem_file, "--client-key", o_.client_key_file});
    }
    args.insert(args.end(), {"--server-name", name});
    if (o_.timeout != std::chrono::milliseconds(5000)) {
      std::string t = seconds_text(o_.timeout);
      args.insert(args.end(), {"--timeout", t.substr(0, t.size() - 2)});  // without " s"
    }
    return shell_command(args);
  }

  void chain_checks() {
    if (chain_.empty()) {
      add("chain", Severity::error, "the server presents a certificate", "no certificate seen",
          "", Reason::server_cert_invalid);
      return;
    }
    if (o_.trust.empty()) {
      add("chain", Severity::warning, "the chain verifies", "not checked: no --trust given",
          "pass --trust with the file your clients trust (ca.pem; pymilvus server_pem_path or "
          "ca_pem_path)");
      return;
    }
    std::vector<X509*> chain, trust;
    for (const auto& c : chain_) chain.push_back(c.get());
    for (const auto& t : o_.trust) trust.push_back(t.get());
    // What the advice table needs to know about these files.
    AdviceContext context;
    context.server_name = r_.server_name;
    context.server_name_given = !o_.server_name.empty();
    const x509::CertNames names = x509::cert_names(chain.front());
    context.name_only_in_cn = !names.any_san() && !names.cn.empty();
    context.sans = r_.chain.front().sans;
    context.trust_file = o_.trust_file;
    const TrustFinding found = find_trust_role(chain, trust);
    context.trust = found.role;
    context.trust_instead = found.trust_instead;
    if (const std::string name = first_dns_name(names);
        !context.server_name_given && !name.empty() && name != r_.server_name) {
      context.retry_command = probe_command_with_name(name);
    }
    for (const auto& profile : probe_profiles()) {
      if (!o_.profiles.empty() &&
          std::find(o_.profiles.begin(), o_.profiles.end(), profile) == o_.profiles.end()) {
        continue;
      }
      ProfileVerdict v = verify_as_profile(profile, chain, trust, r_.server_name);
      std::string title = "the chain verifies with " + o_.trust_file + " for \"" + r_.server_name +
                          "\" as a " + profile + " client would";
      if (v.reason == Reason::ok) {
        add("chain." + profile, Severity::ok, title, "");
      } else {
        add("chain." + profile, Severity::error, title,
            std::string(to_string(v.reason)) + ": " + v.detail,
            advice(v.reason, find_profile(profile), AdviceFor::probe, context), v.reason);
      }
    }
  }

  void validity_checks() {
    if (r_.chain.empty()) return;
    const CertInfo& leaf = r_.chain.front();
    const std::string title = "the server certificate is valid now";
    if (leaf.expired) {
      add("leaf_validity", Severity::error, title,
          "expired " + std::to_string(-leaf.days_left) + " days ago (" + leaf.not_after + ")",
          advice(Reason::server_cert_expired, nullptr, AdviceFor::probe, {}),
          Reason::server_cert_expired);
    } else if (leaf.not_yet_valid) {
      add("leaf_validity", Severity::error, title, "valid only from " + leaf.not_before,
          advice(Reason::server_cert_not_yet_valid, nullptr, AdviceFor::probe, {}),
          Reason::server_cert_not_yet_valid);
    } else if (leaf.days_left < 30) {
      add("leaf_expiry", Severity::warning, "the server certificate has 30 days or more left",
          std::to_string(leaf.days_left) + " days left (until " + leaf.not_after + ")",
          "renew it soon");
    }
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
