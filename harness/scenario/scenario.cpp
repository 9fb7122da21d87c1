#include "harness/scenario/scenario.h"

namespace tlsmatrix {

std::string SourcePos::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

const Expectation& Scenario::expectation(int mode, const std::string& profile) const {
  auto p = profile_expect.find(profile);
  if (p != profile_expect.end()) {
    auto m = p->second.find(mode);
    if (m != p->second.end()) return m->second;
  }
  return expect.at(mode);
}

}  // namespace tlsmatrix
