// Short codes for what happened in a cell, so a grid of 9+ cells (3 modes x 3 profiles) still
// says pass or which failure in every cell and fits an 80-column log: "ok" for a pass, a code of
// at most four ASCII columns per reason ("HOST" = hostname_mismatch, "CA?" = unknown_ca, "cNO" =
// client_cert_missing), and a legend that names only the codes a report uses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/verdict/reason.h"

namespace tlsmatrix::reports {

// Widest code, in columns (every code is ASCII).
inline constexpr std::size_t kMaxCodeWidth = 4;

// "ok" for a pass, else the reason's code. Keyed by the reason's name (to_string), so a reason
// added later without a code of its own still gets one: its first letters, upper case.
std::string verdict_code(const verdict::Verdict& verdict);

// What a code stands for: "pass" or the reason's name ("hostname_mismatch").
std::string code_meaning(const verdict::Verdict& verdict);

struct LegendEntry {
  std::string code;
  std::string meaning;
};

// Collects the verdicts a report shows and lists their codes once each, pass first, then in the
// order of the reason taxonomy (not the order they were seen), so two runs' legends line up.
class CodeLegend {
 public:
  void add(const verdict::Verdict& verdict);
  std::vector<LegendEntry> entries() const;
  bool empty() const { return seen_.empty(); }

 private:
  std::vector<verdict::Verdict> seen_;
};

}  // namespace tlsmatrix::reports
