// The outcome model of `tlsmatrix validate`: every check yields one or more results, each ok,
// warning or error, naming the file it is about and, unless ok, a concrete fix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::validate {

enum class Severity { ok, warning, error };
std::string_view to_string(Severity s);

struct CheckResult {
  std::string check;  // stable identifier, e.g. "server.key_matches" (JSON and tests rely on it)
  Severity severity = Severity::ok;
  std::string file;     // the file the finding is about; empty when it concerns no single file
  std::string message;  // what was found
  std::string fix;      // what to do about it; empty when ok
  // The client profiles the result applies to; empty = every profile (or not profile-specific).
  std::vector<std::string> profiles;
};

struct Summary {
  int ok = 0;
  int warnings = 0;
  int errors = 0;
};
Summary summarize(const std::vector<CheckResult>& results);

// Folds per-profile results that say the same thing into one result listing those profiles;
// a result that holds for every profile in `selected` lists none (it applies to all).
std::vector<CheckResult> merge_profiles(std::vector<CheckResult> per_profile,
                                        const std::vector<std::string>& selected);

// Results in the order they were produced, with convenience appenders for the checks.
class Findings {
 public:
  void ok(std::string check, std::string file, std::string message);
  void warning(std::string check, std::string file, std::string message, std::string fix);
  void error(std::string check, std::string file, std::string message, std::string fix);
  void add(CheckResult r) { results_.push_back(std::move(r)); }
  void append(std::vector<CheckResult> more);

  const std::vector<CheckResult>& results() const { return results_; }
  std::vector<CheckResult> take() { return std::move(results_); }

 private:
  std::vector<CheckResult> results_;
};

}  // namespace tlsmatrix::validate
