#include "harness/verdict/advice.h"

#include <array>
#include <optional>
#include <string_view>

#include "harness/net/ip_literal.h"
#include "harness/x509/facts.h"
#include "harness/x509/names.h"
#include "harness/x509/verify.h"

namespace tlsmatrix::verdict {

namespace {

// When a row applies, beyond its reason. Rows are tried in order; the first that applies and has
// a wording for the caller (every placeholder it uses has a value) wins.
enum class When {
  always,
  // The profile never falls back to the CN, and the certificate has its name only there.
  cn_ignored,
  name_only_in_cn,
  name_not_given,
  // The trust file's anchor is not self-signed and the profile (a note: some stack) needs one.
  leaf_as_anchor,
  intermediate_as_anchor,
  trust_unrelated,
};

struct Row {
  std::optional<Reason> reason;  // nullopt: any reason not matched above
  When when;
  // Wordings; nullptr: the row has nothing to say there. Placeholders: {name} the checked name,
  // {san} it as a subjectAltName entry, {sans} the certificate's SANs, {trust} the trust file,
  // {trust_instead} the CA to trust, {mode_setting} where tlsMode is set, {stack} the profile's
  // stack; {retry?} "; to check a name
  // the certificate covers: `COMMAND`" when the caller has such a command, else nothing. A
  // command comes last, so that a terminal can print it on a line of its own.
  const char* run_note;
  const char* validate;
  const char* probe;
};

constexpr const char* kRunUnknownCa =
    "not every stack takes a non-self-signed certificate as trust anchor; give clients the CA "
    "certificate (ca.pem), not the server's own";

constexpr std::array kTable{
    // hostname_mismatch
    Row{Reason::hostname_mismatch, When::cn_ignored, nullptr, nullptr,
        "{stack} never falls back to the CN: add subjectAltName = {san} to the server "
        "certificate"},
    Row{Reason::hostname_mismatch, When::name_only_in_cn, "name only in the CN; add a subjectAltName",
        nullptr, nullptr},
    Row{Reason::hostname_mismatch, When::name_not_given, nullptr,
        "the client checked {name} (no --server-name given): pass --server-name with the name "
        "clients connect with, or add subjectAltName = {san} to the server certificate{retry?}",
        "the client checked {name} (no --server-name given): pass --server-name with the name "
        "clients connect with, or add subjectAltName = {san} to the server certificate{retry?}"},
    Row{Reason::hostname_mismatch, When::always,
        "the stacks match names differently (CN fallback, wildcards, IP names); list every name "
        "clients use as a DNS: or IP: subjectAltName",
        "add subjectAltName = {san} to the server certificate",
        "the certificate does not cover \"{name}\" (SANs: {sans}): add subjectAltName = {san} to "
        "it, or pass the --server-name your clients use"},
    // unknown_ca
    Row{Reason::unknown_ca, When::leaf_as_anchor, kRunUnknownCa, nullptr,
        "{stack} takes only a self-signed root as trust anchor, and {trust} holds the server's "
        "own CA-signed certificate: trust the self-signed root that issued it ({trust_instead})"},
    Row{Reason::unknown_ca, When::intermediate_as_anchor,
        "not every stack takes a non-self-signed certificate as trust anchor; give clients the "
        "root CA certificate, not only the intermediate",
        nullptr,
        "{stack} takes only a self-signed root as trust anchor, and {trust} holds an intermediate "
        "CA: trust the root above it ({trust_instead})"},
    Row{Reason::unknown_ca, When::trust_unrelated, nullptr, nullptr,
        "the chain does not lead to anything in {trust}: trust the CA that issued the server "
        "certificate ({trust_instead}), or have the server send its intermediates"},
    Row{Reason::unknown_ca, When::always, kRunUnknownCa,
        "give clients the CA that issued the server certificate (--trust / ca_pem_path)",
        "the chain does not lead to anything in {trust}: trust the CA that issued the server "
        "certificate, or have the server send its intermediates"},
    // The server certificate itself.
    Row{Reason::server_cert_invalid, When::always,
        "a stack refuses this certificate (digest, key size or key usage); reissue with SHA-256, "
        "RSA >= 2048 or EC, and EKU serverAuth",
        "fix the server certificate fault named by the static checks above",
        "{stack} refuses the server certificate for the fault named above: reissue it with "
        "SHA-256, RSA >= 2048 or EC, EKU serverAuth, and issuers with CA:TRUE and keyCertSign"},
    Row{Reason::server_cert_expired, When::always,
        "the stacks read the validity window differently; reissue with a current window",
        "reissue the server certificate with a current validity period",
        "renew the server certificate"},
    Row{Reason::server_cert_not_yet_valid, When::always,
        "the stacks read the validity window differently; reissue with a current window",
        "reissue the server certificate with a current validity period",
        "the server certificate is not valid yet: check the server's and this machine's clocks"},
    // The client's side.
    Row{Reason::client_cert_missing, When::always, nullptr,
        "give the client a certificate and key (--client-pem, --client-key)", nullptr},
    Row{Reason::client_cert_unknown_ca, When::always, nullptr,
        "issue the client certificate from the CA in caPemPath", nullptr},
    Row{Reason::client_cert_expired, When::always, nullptr,
        "reissue the client certificate with a current validity period", nullptr},
    Row{Reason::client_cert_not_yet_valid, When::always, nullptr,
        "reissue the client certificate with a current validity period", nullptr},
    Row{Reason::client_cert_invalid, When::always, nullptr,
        "fix the client certificate fault named by the static checks above", nullptr},
    Row{Reason::server_config_error, When::always, nullptr,
        "fix the server files named in the detail: Milvus's proxy would not start either", nullptr},
    Row{Reason::client_config_error, When::always, nullptr, "fix the client files named in the detail",
        nullptr},
    // Plaintext where the client expects TLS.
    Row{Reason::tls_to_plaintext, When::always, nullptr,
        "set {mode_setting} to 1 or 2 (what these clients expect), or connect without TLS "
        "(pymilvus secure=False)",
        "either connect clients without TLS (pymilvus secure=False, no certificate files), or "
        "set the server's common.security.tlsMode to 1 or 2 with its TLS files"},
    Row{std::nullopt, When::always, nullptr, "see the detail and the static checks above", nullptr},
};

// How advice names a profile's stack: the profile's own words, like its rules (CN fallback,
// which anchors count).
std::string stack_name(const ClientProfile& p) {
  return p.short_stack.empty() ? p.name : p.short_stack;
}

bool applies(When when, const ClientProfile* p, const AdviceContext& c) {
  // A note speaks for the stacks at large: some stack needs a self-signed anchor.
  const bool needs_root_anchor = p == nullptr || !p->partial_chain;
  switch (when) {
    case When::always: return true;
    case When::cn_ignored:
      return p != nullptr && p->names.cn_fallback == CnFallback::never && c.name_only_in_cn;
    case When::name_only_in_cn: return c.name_only_in_cn;
    case When::name_not_given: return !c.server_name_given;
    case When::leaf_as_anchor: return c.trust == TrustRole::ca_signed_leaf && needs_root_anchor;
    case When::intermediate_as_anchor: return c.trust == TrustRole::intermediate && needs_root_anchor;
    case When::trust_unrelated: return c.trust == TrustRole::unrelated;
  }
  return false;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The value of one placeholder; nullopt when the caller gave nothing to fill it with.
std::optional<std::string> value_of(std::string_view key, const ClientProfile* p,
                                    const AdviceContext& c) {
  auto required = [](const std::string& v) {
    return v.empty() ? std::nullopt : std::optional<std::string>(v);
  };
  if (key == "name") return required(c.server_name);
  if (key == "san") {
    if (c.server_name.empty()) return std::nullopt;
    return (net::is_ip_literal(c.server_name) ? "IP:" : "DNS:") + c.server_name;
  }
  if (key == "sans") return c.sans.empty() ? std::string("none") : join(c.sans);
  if (key == "trust") return required(c.trust_file);
  if (key == "trust_instead") return required(c.trust_instead);
  if (key == "mode_setting") return required(c.mode_setting);
  if (key == "stack") return p == nullptr ? std::nullopt : std::optional(stack_name(*p));
  if (key == "retry?") {
    return c.retry_command.empty() ? ""
                                   : "; to check a name the certificate covers: `" + c.retry_command + "`";
  }
  return std::nullopt;
}

// The template with its placeholders filled; nullopt when one has no value.
std::optional<std::string> fill(std::string_view text, const ClientProfile* p,
                                const AdviceContext& c) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t open = text.find('{', i);
    if (open == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    std::size_t close = text.find('}', open);
    out += text.substr(i, open - i);
    std::optional<std::string> v = value_of(text.substr(open + 1, close - open - 1), p, c);
    if (!v) return std::nullopt;
    out += *v;
    i = close + 1;
  }
  return out;
}

const char* wording(const Row& row, AdviceFor where) {
  switch (where) {
    case AdviceFor::run_note: return row.run_note;
    case AdviceFor::validate: return row.validate;
    case AdviceFor::probe: return row.probe;
  }
  return nullptr;
}

bool self_signed(X509* c) { return X509_self_signed(c, 0) == 1; }

bool is_ca(X509* c) { return X509_check_ca(c) != 0; }

}  // namespace

std::string advice(Reason reason, const ClientProfile* profile, AdviceFor where,
                   const AdviceContext& context) {
  for (const Row& row : kTable) {
    if (row.reason && *row.reason != reason) continue;
    const char* text = wording(row, where);
    if (text == nullptr || !applies(row.when, profile, context)) continue;
    if (std::optional<std::string> filled = fill(text, profile, context)) return *filled;
  }
  return "";
}

TrustFinding find_trust_role(const std::vector<X509*>& presented,
                             const std::vector<X509*>& trusted) {
  TrustFinding out;
  if (presented.empty() || trusted.empty()) return out;
  X509* leaf = presented.front();
  const std::vector<X509*> rest(presented.begin() + 1, presented.end());
  // Only the path to an anchor counts here: no purpose, no security level.
  auto leads_to_trust = [&](bool partial_chain) {
    x509::VerifyResult r = x509::verify(leaf, rest, trusted,
                                        {.peer = x509::Peer::server,
                                         .check_purpose = false,
                                         .partial_chain = partial_chain,
                                         .trusted_first = true,
                                         .auth_level = 0});
    return x509::classify_x509_error(r.error) != x509::ChainFault::untrusted;
  };
  if (!leads_to_trust(/*partial_chain=*/true)) {
    out.role = TrustRole::unrelated;
    // The top of what the server sent names the CA a client needs.
    X509* top = presented.back();
    out.trust_instead = x509::name_text(self_signed(top) ? X509_get_subject_name(top)
                                                         : X509_get_issuer_name(top));
    return out;
  }
  if (leads_to_trust(/*partial_chain=*/false)) {
    out.role = TrustRole::root;
    return out;
  }
  for (X509* t : trusted) {
    if (self_signed(t)) continue;
    if (x509::same_cert(t, leaf)) {
      out.role = TrustRole::ca_signed_leaf;
      out.trust_instead = x509::name_text(X509_get_issuer_name(t));
      return out;
    }
  }
  for (X509* t : trusted) {
    if (self_signed(t) || !is_ca(t)) continue;
    bool on_path = false;
    for (X509* c : presented) on_path |= x509::same_cert(t, c) || X509_check_issued(t, c) == X509_V_OK;
    if (on_path) {
      out.role = TrustRole::intermediate;
      out.trust_instead = x509::name_text(X509_get_issuer_name(t));
      return out;
    }
  }
  return out;
}

}  // namespace tlsmatrix::verdict
