#include "harness/probe/probe_text.h"

#include <sstream>

namespace tlsmatrix::probe {

namespace {

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string mark(CheckStatus s, bool color) {
  const char* sym = s == CheckStatus::pass ? "✓" : s == CheckStatus::fail ? "✗" : "!";
  if (!color) return sym;
  const char* code = s == CheckStatus::pass ? "32" : s == CheckStatus::fail ? "31" : "33";
  return std::string("\033[") + code + "m" + sym + "\033[0m";
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string render_text(const ProbeReport& r, bool color) {
  std::ostringstream out;
  out << "tlsmatrix probe " << r.endpoint << "  (server name \"" << r.server_name
      << "\", timeout " << seconds_text(r.timeout) << ")\n\n";

  out << "  mode    ";
  if (r.inferred_mode) {
    out << *r.inferred_mode << ": " << mode_description(*r.inferred_mode) << " (inferred";
    if (r.expected_mode) out << "; expected " << *r.expected_mode;
    out << ")\n";
  } else {
    out << "unknown (could not tell";
    if (r.expected_mode) out << "; expected " << *r.expected_mode;
    out << ")\n";
  }
  if (!r.tls_version.empty()) {
    out << "  TLS     " << r.tls_version << ", " << r.cipher
        << (r.alpn.empty() ? ", no ALPN" : ", ALPN " + r.alpn) << "\n";
  }
  if (r.asks_for_client_cert) {
    out << "  asks for a client certificate";
    if (!r.acceptable_ca_names.empty()) out << " issued by: " << join(r.acceptable_ca_names, "; ");
    out << "\n";
  }

  if (!r.chain.empty()) {
    out << "\n  chain presented by the server\n";
    for (std::size_t i = 0; i < r.chain.size(); ++i) {
      const CertInfo& c = r.chain[i];
      out << "    [" << i << "] " << c.subject << (c.ca ? "  (CA)" : "") << "\n";
      out << "        SANs     " << (c.sans.empty() ? "none" : join(c.sans)) << "\n";
      out << "        issuer   " << c.issuer << (c.self_signed ? "  (self-signed)" : "") << "\n";
      out << "        key      " << c.key_detail << ", signed with " << c.signature_digest << "\n";
      out << "        valid    " << c.not_before << " .. " << c.not_after << "  (";
      if (c.expired) {
        out << "EXPIRED " << -c.days_left << " days ago";
      } else if (c.not_yet_valid) {
        out << "NOT YET VALID";
      } else {
        out << c.days_left << " days left";
      }
      out << ")\n";
    }
  }

  out << "\n  checks\n";
  for (const Check& c : r.checks) {
    out << "    " << mark(c.status, color) << " " << c.title << "\n";
    if (!c.detail.empty()) out << "        " << c.detail << "\n";
    if (!c.hint.empty()) out << "        fix: " << c.hint << "\n";
  }

  out << "\n  result: ";
  if (r.passed()) {
    out << "all checks passed";
  } else {
    out << plural(r.failures(), "check") << " failed";
  }
  if (r.warnings() > 0) out << ", " << plural(r.warnings(), "warning");
  out << "\n";
  return out.str();
}

}  // namespace tlsmatrix::probe
