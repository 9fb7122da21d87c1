#include "harness/runner/cell_result.h"

#include <algorithm>

namespace tlsmatrix::runner {

std::string CellResult::mismatch_text() const {
  if (match) return "";
  if (!harness_error.empty()) return "harness error (no verdict): " + harness_error;
  if (actual.outcome == verdict::Outcome::pass) return "unexpected success";
  if (expected.outcome == verdict::Outcome::pass) {
    return "unexpected failure: " + std::string(to_string(actual.reason));
  }
  return "wrong failure: want " + std::string(to_string(expected.reason)) + ", got " +
         std::string(to_string(actual.reason));
}

int RunResult::matched() const {
  return static_cast<int>(std::count_if(cells.begin(), cells.end(), [](const CellResult& c) { return c.match; }));
}

int RunResult::mismatched() const { return static_cast<int>(cells.size()) - matched(); }

int RunResult::harness_errors() const {
  return static_cast<int>(
      std::count_if(cells.begin(), cells.end(), [](const CellResult& c) { return !c.harness_error.empty(); }));
}

}  // namespace tlsmatrix::runner
