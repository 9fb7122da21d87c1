#include "harness/scenario/scenario.h"

namespace tlsmatrix::scenario {

std::string SourcePos::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

const Expectation& Scenario::expectation(int mode, const std::string& profile) const {
  return expectation(mode, profile, std::string(kDefaultServerProfile));
}

const Expectation& Scenario::expectation(int mode, const std::string& profile,
                                         const std::string& server) const {
  if (auto s = server_expect.find(server); s != server_expect.end()) {
    if (auto p = s->second.profiles.find(profile); p != s->second.profiles.end()) {
      if (auto m = p->second.find(mode); m != p->second.end()) return m->second;
    }
    if (auto m = s->second.modes.find(mode); m != s->second.modes.end()) return m->second;
  }
  auto p = profile_expect.find(profile);
  if (p != profile_expect.end()) {
    auto m = p->second.find(mode);
    if (m != p->second.end()) return m->second;
  }
  return expect.at(mode);
}

}  // namespace tlsmatrix::scenario
