// How `tlsmatrix validate`'s checks record their outcome: every check yields one or more findings
// (harness/findings/finding.h), each ok, warning or error, naming the file it is about and, unless
// ok, a concrete fix.
#pragma once

#include <string>
#include <vector>

#include "harness/findings/finding.h"

namespace tlsmatrix::validate {

using findings::Finding;
using findings::Severity;

// Folds per-profile findings that say the same thing into one finding listing those profiles;
// a finding that holds for every profile in `selected` lists none (it applies to all).
std::vector<Finding> merge_profiles(std::vector<Finding> per_profile,
                                    const std::vector<std::string>& selected);

// Findings in the order they were produced, with convenience appenders for the checks.
class Findings {
 public:
  void ok(std::string check, std::string file, std::string message);
  void warning(std::string check, std::string file, std::string message, std::string fix);
  void error(std::string check, std::string file, std::string message, std::string fix);
  void add(Finding r) { results_.push_back(std::move(r)); }
  void append(std::vector<Finding> more);

  const std::vector<Finding>& results() const { return results_; }
  std::vector<Finding> take() { return std::move(results_); }

 private:
  void push(std::string check, Severity s, std::string file, std::string message, std::string fix);
  std::vector<Finding> results_;
};

}  // namespace tlsmatrix::validate
