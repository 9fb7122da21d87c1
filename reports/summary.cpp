#include "reports/summary.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>
#include <set>

namespace tlsmatrix::reports {

namespace {
template <typename Items>
std::string join(const Items& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    if constexpr (std::is_same_v<typename Items::value_type, std::string>) {
      out += item;
    } else {
      out += std::to_string(item);
    }
  }
  return out;
}
}  // namespace

std::string summary_line(const RunResult& run) {
  std::set<std::string> scenarios;
  std::set<int> modes;
  std::vector<std::string> profiles;  // in the run's order (grpc-core first), as the grid
  std::vector<std::string> servers;
  for (const auto& c : run.cells) {
    if (std::find(servers.begin(), servers.end(), c.server) == servers.end()) servers.push_back(c.server);
    scenarios.insert(c.scenario);
    modes.insert(c.mode);
    if (std::find(profiles.begin(), profiles.end(), c.profile) == profiles.end()) {
      profiles.push_back(c.profile);
    }
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f s", run.wall_ms / 1000.0);
  const int no_verdict = run.harness_errors();
  return std::to_string(run.cells.size()) + " cells: " + std::to_string(run.matched()) +
         " matched, " + std::to_string(run.mismatched()) + " mismatched" +
         (no_verdict > 0 ? ", " + std::to_string(no_verdict) + " of them harness errors (no verdict)" : "") + " (" +
         std::to_string(scenarios.size()) + " scenarios, modes " + join(modes) + ", profiles " +
         join(profiles) +
         (servers.size() == 1 && servers.front() == "harness" ? "" : ", servers " + join(servers)) + ") in " + secs;
}

}  // namespace tlsmatrix::reports
