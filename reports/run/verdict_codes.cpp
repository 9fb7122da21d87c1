#include "reports/run/verdict_codes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace tlsmatrix::reports {

namespace {

// Server-certificate faults have bare codes (the client's view: CA?, EXP), the client's own
// certificate the same codes with a "c" in front (the server's view: cCA?, cEXP). The table is
// in the taxonomy's order: the legend follows it.
constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kCodes{{
    {"ok", "ok"},
    {"plaintext_to_tls", "P>T"},
    {"tls_to_plaintext", "T>P"},
    {"hostname_mismatch", "HOST"},
    {"unknown_ca", "CA?"},
    {"server_cert_expired", "EXP"},
    {"server_cert_not_yet_valid", "NYV"},
    {"server_cert_invalid", "INV"},
    {"client_cert_missing", "cNO"},
    {"client_cert_unknown_ca", "cCA?"},
    {"client_cert_expired", "cEXP"},
    {"client_cert_not_yet_valid", "cNYV"},
    {"client_cert_invalid", "cINV"},
    {"server_config_error", "sCFG"},
    {"client_config_error", "cCFG"},
    {"protocol_mismatch", "PROT"},
    {"timeout", "TIME"},
    {"harness_error", "HARN"},
    {"unclassified", "???"},
}};

std::size_t table_index(std::string_view name) {
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i].first == name) return i;
  }
  return kCodes.size();
}

std::string_view reason_name(const verdict::Verdict& v) {
  return v.outcome == verdict::Outcome::pass ? std::string_view("ok") : to_string(v.reason);
}

}  // namespace

std::string verdict_code(const verdict::Verdict& verdict) {
  std::string_view name = reason_name(verdict);
  std::size_t i = table_index(name);
  if (i < kCodes.size()) return std::string(kCodes[i].second);
  std::string code;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) continue;
    code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (code.size() == kMaxCodeWidth) break;
  }
  return code.empty() ? "?" : code;
}

std::string code_meaning(const verdict::Verdict& verdict) {
  return verdict.outcome == verdict::Outcome::pass ? "pass" : std::string(to_string(verdict.reason));
}

void CodeLegend::add(const verdict::Verdict& verdict) {
  verdict::Verdict key = verdict.outcome == verdict::Outcome::pass ? verdict::Verdict{} : verdict;
  if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) seen_.push_back(key);
}

std::vector<LegendEntry> CodeLegend::entries() const {
  std::vector<verdict::Verdict> sorted = seen_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const verdict::Verdict& a, const verdict::Verdict& b) {
    return table_index(reason_name(a)) < table_index(reason_name(b));
  });
  std::vector<LegendEntry> out;
  for (const verdict::Verdict& v : sorted) out.push_back({verdict_code(v), code_meaning(v)});
  return out;
}

}  // namespace tlsmatrix::reports
