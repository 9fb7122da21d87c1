#include "harness/validate/check_result.h"

#include <algorithm>
#include <utility>

namespace tlsmatrix::validate {

std::vector<Finding> merge_profiles(std::vector<Finding> per_profile,
                                    const std::vector<std::string>& selected) {
  std::vector<Finding> out;
  for (auto& r : per_profile) {
    auto same = [&](const Finding& o) {
      return o.id == r.id && o.severity == r.severity && o.file == r.file &&
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

void Findings::push(std::string check, Severity s, std::string file, std::string message,
                    std::string fix) {
  Finding f = findings::make(std::move(check), s, std::move(message), std::move(fix));
  f.file = std::move(file);
  results_.push_back(std::move(f));
}

void Findings::ok(std::string check, std::string file, std::string message) {
  push(std::move(check), Severity::ok, std::move(file), std::move(message), {});
}

void Findings::warning(std::string check, std::string file, std::string message,
                       std::string fix) {
  push(std::move(check), Severity::warning, std::move(file), std::move(message), std::move(fix));
}

void Findings::error(std::string check, std::string file, std::string message, std::string fix) {
  push(std::move(check), Severity::error, std::move(file), std::move(message), std::move(fix));
}

void Findings::append(std::vector<Finding> more) {
  for (auto& r : more) results_.push_back(std::move(r));
}

}  // namespace tlsmatrix::validate
