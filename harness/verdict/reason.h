// The reason taxonomy (docs/reasons.md). Names are stable: scenario files and reports use them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace tlsmatrix::verdict {

enum class Reason {
  ok,
  plaintext_to_tls,
  tls_to_plaintext,
  hostname_mismatch,
  unknown_ca,
  server_cert_expired,
  server_cert_not_yet_valid,
  server_cert_invalid,
  client_cert_missing,
  client_cert_unknown_ca,
  client_cert_expired,
  client_cert_not_yet_valid,
  client_cert_invalid,
  server_config_error,
  client_config_error,
  protocol_mismatch,
  timeout,
  // The harness could not name the failure. Never a valid expectation; always a mismatch.
  unclassified,
  // The harness's own environment (file descriptors, memory) stopped the cell: no verdict at
  // all. Never a valid expectation; a run with one exits 2.
  harness_error,
};

std::string_view to_string(Reason r);
std::optional<Reason> parse_reason(std::string_view text);
// Every reason a scenario may expect (all but `unclassified` and `harness_error`).
const std::vector<std::string_view>& expectable_reason_names();

enum class Outcome { pass, fail };
std::string_view to_string(Outcome o);

struct Verdict {
  Outcome outcome = Outcome::pass;
  Reason reason = Reason::ok;
  bool operator==(const Verdict&) const = default;
};

// "pass" or "fail REASON".
std::string describe(const Verdict& v);

}  // namespace tlsmatrix::verdict
