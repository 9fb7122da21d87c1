#include "harness/runner/server_stack_notes.h"

#include <map>
#include <utility>

namespace tlsmatrix {

namespace {

std::string join_and(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::string join_semi(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::vector<std::string> milvus_server_notes(const std::vector<Scenario>& scenarios, const std::vector<int>& modes,
                                             const std::vector<std::string>& profiles) {
  const std::string milvus = "milvus";
  std::vector<std::string> notes;
  for (const Scenario& s : scenarios) {
    if (!s.server_expect.count(milvus)) continue;
    for (int mode : modes) {
      // Milvus's verdict -> the profiles that get it, for the profiles where it differs.
      std::map<std::string, std::vector<std::string>> theirs;
      std::map<std::string, std::vector<std::string>> ours;
      for (const std::string& p : profiles) {
        const Verdict& m = s.expectation(mode, p, milvus).verdict;
        const Verdict& h = s.expectation(mode, p).verdict;
        if (m == h) continue;
        theirs[describe(m)].push_back(p);
        ours[describe(h)].push_back(p);
      }
      if (theirs.empty()) continue;
      std::vector<std::string> gives, here;
      for (const auto& [verdict, names] : theirs) gives.push_back(verdict + " to " + join_and(names));
      for (const auto& [verdict, names] : ours) {
        here.push_back(ours.size() == 1 ? verdict : verdict + " for " + join_and(names));
      }
      notes.push_back(s.name + ", mode " + std::to_string(mode) + ": Milvus's Go proxy gives " + join_semi(gives) +
                      "; the harness's server: " + join_semi(here));
    }
  }
  return notes;
}

}  // namespace tlsmatrix
