#include "harness/validate/check_result.h"

#include <algorithm>
#include <utility>

namespace tlsmatrix::validate {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::ok: return "ok";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

Summary summarize(const std::vector<CheckResult>& results) {
  Summary s;
  for (const auto& r : results) {
    switch (r.severity) {
      case Severity::ok: ++s.ok; break;
      case Severity::warning: ++s.warnings; break;
      case Severity::error: ++s.errors; break;
    }
  }
  return s;
}

std::vector<CheckResult> merge_profiles(std::vector<CheckResult> per_profile,
                                        const std::vector<std::string>& selected) {
  std::vector<CheckResult> out;
  for (auto& r : per_profile) {
    auto same = [&](const CheckResult& o) {
      return o.check == r.check && o.severity == r.severity && o.file == r.file &&
             o.message == r.message && o.fix == r.fix;
    };
    auto it = std::find_if(out.begin(), out.end(), same);
    if (it == out.end()) {
      out.push_back(std::move(r));
    } else {
      it->profiles.insert(it->profiles.end(), r.profiles.begin(), r.profiles.end());
    }
  }
  for (auto& r : out) {
    if (r.profiles.size() == selected.size()) r.profiles.clear();
  }
  return out;
}

void Findings::ok(std::string check, std::string file, std::string message) {
  results_.push_back({std::move(check), Severity::ok, std::move(file), std::move(message), {}, {}});
}

void Findings::warning(std::string check, std::string file, std::string message,
                       std::string fix) {
  results_.push_back({std::move(check), Severity::warning, std::move(file), std::move(message),
                      std::move(fix), {}});
}

void Findings::error(std::string check, std::string file, std::string message, std::string fix) {
  results_.push_back({std::move(check), Severity::error, std::move(file), std::move(message),
                      std::move(fix), {}});
}

void Findings::append(std::vector<CheckResult> more) {
  for (auto& r : more) results_.push_back(std::move(r));
}

}  // namespace tlsmatrix::validate
