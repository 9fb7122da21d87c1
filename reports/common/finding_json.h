// A finding (harness/findings/finding.h) as one JSON object, for every command that writes its
// checks (`validate --json`, `probe --json`). Each command keeps the member names and severity
// words its schema (docs/schema/) has always had; the writer is one.
#pragma once

#include "harness/findings/finding.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

// Which members a command's findings have, in this order: id, severity, [title], [file],
// message, fix, [profiles], [reason].
struct FindingJsonShape {
  const char* id;
  const char* severity;
  findings::SeverityWords words;
  const char* message;
  const char* fix;
  bool title = false;
  bool file = false;
  bool profiles = false;
  bool reason = false;  // null when the finding has none
};

// {"check","severity","file","message","fix","profiles"}
inline constexpr FindingJsonShape kValidateFindingJson{
    "check", "severity", findings::kValidateWords, "message", "fix", false, true, true, false};
// {"id","status","title","detail","hint","reason"}
inline constexpr FindingJsonShape kProbeFindingJson{
    "id", "status", findings::kProbeWords, "detail", "hint", true, false, false, true};

void write_finding(JsonWriter& w, const findings::Finding& f, const FindingJsonShape& shape);

}  // namespace tlsmatrix::reports
