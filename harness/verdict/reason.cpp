#include "harness/verdict/reason.h"

#include <array>
#include <string>
#include <utility>

namespace tlsmatrix::verdict {

namespace {
constexpr std::array<std::pair<Reason, std::string_view>, 19> kNames{{
    {Reason::ok, "ok"},
    {Reason::plaintext_to_tls, "plaintext_to_tls"},
    {Reason::tls_to_plaintext, "tls_to_plaintext"},
    {Reason::hostname_mismatch, "hostname_mismatch"},
    {Reason::unknown_ca, "unknown_ca"},
    {Reason::server_cert_expired, "server_cert_expired"},
    {Reason::server_cert_not_yet_valid, "server_cert_not_yet_valid"},
    {Reason::server_cert_invalid, "server_cert_invalid"},
    {Reason::client_cert_missing, "client_cert_missing"},
    {Reason::client_cert_unknown_ca, "client_cert_unknown_ca"},
    {Reason::client_cert_expired, "client_cert_expired"},
    {Reason::client_cert_not_yet_valid, "client_cert_not_yet_valid"},
    {Reason::client_cert_invalid, "client_cert_invalid"},
    {Reason::server_config_error, "server_config_error"},
    {Reason::client_config_error, "client_config_error"},
    {Reason::protocol_mismatch, "protocol_mismatch"},
    {Reason::timeout, "timeout"},
    {Reason::unclassified, "unclassified"},
    {Reason::harness_error, "harness_error"},
}};

// What the harness says about itself, never about a certificate.
bool expectable(Reason r) { return r != Reason::unclassified && r != Reason::harness_error; }
}  // namespace

std::string_view to_string(Reason r) {
  for (const auto& [reason, name] : kNames) {
    if (reason == r) return name;
  }
  return "unclassified";
}

std::optional<Reason> parse_reason(std::string_view text) {
  for (const auto& [reason, name] : kNames) {
    if (name == text && expectable(reason)) return reason;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& expectable_reason_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& [reason, name] : kNames) {
      if (expectable(reason)) out.push_back(name);
    }
    return out;
  }();
  return names;
}

std::string_view to_string(Outcome o) { return o == Outcome::pass ? "pass" : "fail"; }

std::string describe(const Verdict& v) {
  if (v.outcome == Outcome::pass) return "pass";
  return "fail " + std::string(to_string(v.reason));
}

}  // namespace tlsmatrix::verdict
