#include "reports/summary.h"

#include <cstdio>
#include <set>

namespace tlsmatrix::reports {

namespace {
template <typename T>
std::string join(const std::set<T>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    if constexpr (std::is_same_v<T, std::string>) {
      out += item;
    } else {
      out += std::to_string(item);
    }
  }
  return out;
}
}  // namespace

std::string summary_line(const RunResult& run) {
  std::set<std::string> scenarios, profiles;
  std::set<int> modes;
  for (const auto& c : run.cells) {
    scenarios.insert(c.scenario);
    profiles.insert(c.profile);
    modes.insert(c.mode);
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f s", run.wall_ms / 1000.0);
  const int no_verdict = run.harness_errors();
  return std::to_string(run.cells.size()) + " cells: " + std::to_string(run.matched()) +
         " matched, " + std::to_string(run.mismatched()) + " mismatched" +
         (no_verdict > 0 ? ", " + std::to_string(no_verdict) + " of them harness errors (no verdict)" : "") + " (" +
         std::to_string(scenarios.size()) + " scenarios, modes " + join(modes) + ", profiles " +
         join(profiles) + ") in " + secs;
}

}  // namespace tlsmatrix::reports
