#include "reports/probe/probe_console.h"

#include <sstream>

#include "harness/io/duration_text.h"
#include "reports/common/text_util.h"

namespace tlsmatrix::reports {

namespace {

using findings::Severity;

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string mark(Severity s, const ConsoleOptions& o) {
  const char* sym = s == Severity::ok   ? (o.ascii ? "ok" : "✓")
                    : s == Severity::error ? (o.ascii ? "XX" : "✗")
                    : s == Severity::warning ? "!"
                                             : "?";
  if (!o.color) return sym;
  const char* code = s == Severity::ok   ? "32"
                     : s == Severity::error ? "31"
                     : s == Severity::warning ? "33"
                                              : "35";
  return std::string("\033[") + code + "m" + sym + "\033[0m";
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Writer {
 public:
  explicit Writer(std::size_t width) : width_(width) {}

  // `first` starts the first line; the rest of `text` wraps to the width, indented by `indent`.
  void para(const std::string& first, std::string_view text, std::size_t indent) {
    std::string clean = one_line(text);
    std::size_t first_width = display_width(first);
    std::size_t room = width_ > first_width + 20 ? width_ - first_width : 20;
    std::vector<std::string> lines = wrap_words(clean, room);
    out_ << first << (lines.empty() ? "" : lines[0]) << "\n";
    if (lines.size() <= 1) return;
    // Later lines: re-wrap what is left at the indented width.
    std::string rest;
    for (std::size_t i = 1; i < lines.size(); ++i) rest += (rest.empty() ? "" : " ") + lines[i];
    std::size_t room2 = width_ > indent + 20 ? width_ - indent : 20;
    for (const auto& l : wrap_words(rest, room2)) out_ << std::string(indent, ' ') << l << "\n";
  }
  std::ostringstream& raw() { return out_; }
  std::string str() const { return out_.str(); }

 private:
  std::size_t width_;
  std::ostringstream out_;
};

// The fix, wrapped; a command it ends with (in backticks) goes on a line of its own, unwrapped
// and without the backticks, so that it can be copied into a shell as printed.
void fix_lines(Writer& w, const std::string& hint) {
  const std::size_t open = hint.find('`');
  if (open == std::string::npos || hint.back() != '`' || open + 1 >= hint.size() - 1 ||
      hint.find('`', open + 1) != hint.size() - 1) {
    w.para("      fix: ", hint, 11);
    return;
  }
  w.para("      fix: ", hint.substr(0, open), 11);
  w.raw() << "             " << one_line(hint.substr(open + 1, hint.size() - open - 2)) << "\n";
}

}  // namespace

std::string render_probe_console(const probe::ProbeReport& r, const ConsoleOptions& o) {
  Writer w(o.width);
  w.raw() << "tlsmatrix probe " << r.endpoint << "  (server name \"" << one_line(r.server_name)
          << "\", timeout " << io::seconds_text(r.timeout) << ")\n\n";

  std::string mode;
  if (r.inferred_mode) {
    mode = std::to_string(*r.inferred_mode) + ": " + probe::mode_description(*r.inferred_mode) +
           " (inferred";
  } else {
    mode = "unknown (could not tell";
  }
  if (r.expected_mode) mode += "; expected " + std::to_string(*r.expected_mode);
  w.para("  mode    ", mode + ")", 10);
  if (!r.tls_version.empty()) {
    w.para("  TLS     ",
           r.tls_version + ", " + r.cipher + (r.alpn.empty() ? ", no ALPN" : ", ALPN " + r.alpn), 10);
  }
  if (r.asks_for_client_cert) {
    w.para("  client  ",
           "the server asks for a certificate" +
               (r.acceptable_ca_names.empty()
                    ? std::string()
                    : " issued by: " + join(r.acceptable_ca_names, "; ")),
           10);
  }

  if (!r.chain.empty()) {
    w.raw() << "\n  chain presented by the server\n";
    for (std::size_t i = 0; i < r.chain.size(); ++i) {
      const probe::CertInfo& c = r.chain[i];
      w.para("    [" + std::to_string(i) + "] ", c.subject + (c.ca ? "  (CA)" : ""), 8);
      w.para("        SANs     ", c.sans.empty() ? "none" : join(c.sans), 17);
      w.para("        issuer   ", c.issuer + (c.self_signed ? "  (self-signed)" : ""), 17);
      w.para("        key      ", c.key_detail + ", signed with " + c.signature_digest, 17);
      std::string left = c.expired         ? "EXPIRED " + std::to_string(-c.days_left) + " days ago"
                         : c.not_yet_valid ? std::string("NOT YET VALID")
                                           : std::to_string(c.days_left) + " days left";
      w.para("        valid    ", c.not_before + " .. " + c.not_after + "  (" + left + ")", 17);
    }
  }

  w.raw() << "\n  checks\n";
  for (const findings::Finding& c : r.checks) {
    w.para("    " + mark(c.severity, o) + " ", c.title, 6);
    if (!c.message.empty()) w.para("      ", c.message, 6);
    if (!c.fix.empty()) fix_lines(w, c.fix);
  }

  const findings::Counts n = findings::count(r.checks);
  std::string result;
  if (r.passed()) {
    result = "all checks passed";
  } else if (n.errors > 0) {
    result = plural(n.errors, "check") + " failed";
    if (n.inconclusive > 0) result += ", " + std::to_string(n.inconclusive) + " inconclusive";
  } else {
    result = plural(n.inconclusive, "check") + " inconclusive: the probe could not tell";
  }
  if (n.warnings > 0) result += ", " + plural(n.warnings, "warning");
  w.raw() << "\n  result: " << result << "\n";
  return w.str();
}

}  // namespace tlsmatrix::reports
