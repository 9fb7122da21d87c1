#include "harness/findings/finding.h"

namespace tlsmatrix::findings {

Finding make(std::string id, Severity s, std::string message, std::string fix) {
  Finding f;
  f.id = std::move(id);
  f.severity = s;
  f.message = std::move(message);
  f.fix = std::move(fix);
  return f;
}

std::string_view to_string(Severity s, const SeverityWords& words) {
  switch (s) {
    case Severity::ok: return words.ok;
    case Severity::warning: return words.warning;
    case Severity::error: return words.error;
    case Severity::inconclusive: return words.inconclusive;
  }
  return words.error;
}

void Counts::add(Severity s) {
  switch (s) {
    case Severity::ok: ++ok; break;
    case Severity::warning: ++warnings; break;
    case Severity::error: ++errors; break;
    case Severity::inconclusive: ++inconclusive; break;
  }
}

Counts count(const std::vector<Finding>& findings) {
  Counts c;
  for (const auto& f : findings) c.add(f.severity);
  return c;
}

std::string display_name(const Finding& f) {
  std::string name = f.id;
  if (!f.title.empty()) name += ": " + f.title;
  if (!f.file.empty()) name += " (" + f.file + ")";
  if (!f.profiles.empty()) name += " [" + profile_list(f) + "]";
  return name;
}

std::string profile_list(const Finding& f) {
  std::string list;
  for (std::size_t i = 0; i < f.profiles.size(); ++i) list += (i ? "," : "") + f.profiles[i];
  return list;
}

std::string message_with_reason(const Finding& f) {
  return f.reason ? std::string(to_string(*f.reason)) + ": " + f.message : f.message;
}

}  // namespace tlsmatrix::findings
