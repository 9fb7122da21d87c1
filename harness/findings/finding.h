// One finding of a command that runs named checks (`validate`, `probe`): what was checked, how it
// came out, what was seen and what to do about it. Both commands, their JUnit and Markdown forms
// (reports/common/check_report.h), their JSON (reports/common/finding_json.h) and the exporter's metrics read
// this one type, so a severity is counted, named and written one way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/verdict/reason.h"

namespace tlsmatrix::findings {

// `warning` never changes the exit code unless --fail-on-warning. `inconclusive`: the command
// could not tell (probe: its own TLS client stopped the handshake, or the server never showed its
// answer); it is never a pass, and without an error it makes the exit code 2.
enum class Severity { ok, warning, error, inconclusive };

struct Finding {
  std::string id;  // stable, for JSON and tests: "server.key_matches", "rejects_plaintext", "chain.go"
  Severity severity = Severity::ok;
  std::string title;    // what was checked, when the id does not say it (probe)
  std::string message;  // what was seen
  std::string fix;      // what to do about it; empty when ok
  std::optional<verdict::Reason> reason;  // taxonomy name where one fits
  std::string file;     // the file the finding is about; empty when it concerns no single file
  // The client profiles the finding applies to; empty = every profile (or not profile-specific).
  std::vector<std::string> profiles;
};

// A finding with what every one has; the caller adds its title, reason, file or profiles.
Finding make(std::string id, Severity s, std::string message, std::string fix);

// Each command names the severities in its own words, as its reports always have: validate says
// ok / warning / error, probe pass / warn / fail (its JSON "status").
struct SeverityWords {
  std::string_view ok, warning, error, inconclusive;
};
inline constexpr SeverityWords kValidateWords{"ok", "warning", "error", "inconclusive"};
inline constexpr SeverityWords kProbeWords{"pass", "warn", "fail", "inconclusive"};

std::string_view to_string(Severity s, const SeverityWords& words = kValidateWords);

struct Counts {
  int ok = 0;
  int warnings = 0;
  int errors = 0;
  int inconclusive = 0;

  void add(Severity s);
  int total() const { return ok + warnings + errors + inconclusive; }
};
Counts count(const std::vector<Finding>& findings);

// The one-line name of a finding where it is listed by name (a JUnit testcase, a Markdown row):
// its id, then its title, file and profiles where it has them:
// "rejects_plaintext: a plaintext client is turned away", "validity (tls/server.pem)",
// "server_name [go]".
std::string display_name(const Finding& f);

// Its profiles, comma-separated: "grpc-core,go".
std::string profile_list(const Finding& f);

// Its message with the reason in front where it has one: "unknown_ca: certificate verify failed".
std::string message_with_reason(const Finding& f);

}  // namespace tlsmatrix::findings
