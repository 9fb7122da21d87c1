#include "reports/run/summary.h"

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

std::string summary_line(const runner::RunResult& run) {
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

std::vector<std::string> real_clients_lines(const runner::RunResult& run) {
  std::vector<std::string> out;
  if (!run.real_clients) return out;
  const runner::RealClientsResult& r = *run.real_clients;
  for (const auto& s : r.stacks) {
    if (s.ran) {
      out.push_back(s.profile + ": " + s.stack + ": " + std::to_string(s.cells) + " cells, " +
                    std::to_string(s.disagreements) + (s.disagreements == 1 ? " disagreement" : " disagreements"));
    } else {
      out.push_back(s.profile + ": skipped: " + s.note);
    }
  }
  for (const auto& d : r.disagreements) {
    out.push_back("DISAGREE " + d.scenario + " mode " + std::to_string(d.mode) + " " + d.profile +
                  (d.server == "harness" ? "" : " @" + d.server) + ": predicted " + describe(d.predicted) +
                  ", the real client: " + d.real + (d.message.empty() ? "" : " (" + d.message.substr(0, 160) + ")"));
  }
  return out;
}

}  // namespace tlsmatrix::reports
