// expect:, profiles.P and servers.S: what each mode must give, as 'pass' or 'fail REASON'.
#include <sstream>

#include "harness/scenario/scenario_schema.h"
#include "harness/verdict/profile.h"

namespace tlsmatrix::scenario::schema {

using yaml::contains;
using yaml::join;
using yaml::YEntry;

namespace {

verdict::Verdict parse_verdict(const Reader& r, const YNode& n, const std::string& path) {
  std::string s = r.scalar(n, path);
  std::istringstream words(s);
  std::vector<std::string> w;
  for (std::string word; words >> word;) w.push_back(word);
  std::vector<std::string_view> failures;
  for (auto name : verdict::expectable_reason_names()) {
    if (name != "ok") failures.push_back(name);
  }
  if (!w.empty() && w[0] == "pass") {
    if (w.size() > 1) r.fail(n, path + ": 'pass' takes no reason, found '" + s + "'");
    return verdict::Verdict{verdict::Outcome::pass, verdict::Reason::ok};
  }
  if (!w.empty() && w[0] == "fail") {
    if (w.size() == 1) r.fail(n, path + ": 'fail' needs a reason: one of " + join(failures));
    if (w.size() > 2) {
      r.fail(n, path + ": expected 'fail REASON' with one reason, found '" + s + "'");
    }
    auto reason = verdict::parse_reason(w[1]);
    if (!reason || *reason == verdict::Reason::ok) {
      r.fail(n, path + ": unknown failure reason '" + w[1] + "'; allowed: " + join(failures));
    }
    return verdict::Verdict{verdict::Outcome::fail, *reason};
  }
  r.fail(n, path + ": expected 'pass' or 'fail REASON', found '" + s + "'");
}

}  // namespace

std::map<int, Expectation> parse_modes(const Reader& r, const YNode& n, const std::string& path,
                                       const std::string& file, bool require_all) {
  const YNode& m = r.map(n, path);
  std::map<int, Expectation> out;
  for (const auto& [k, v] : m.entries) {
    if (k.quoted || (k.value != "0" && k.value != "1" && k.value != "2")) {
      r.fail(k, path + ": mode must be 0, 1 or 2, found '" + k.value + "'");
    }
    int mode = k.value[0] - '0';
    std::string mpath = path + "." + k.value;
    out[mode] = Expectation{parse_verdict(r, v, mpath),
                            SourcePos{file, v.mark.line + 1, v.mark.column + 1}};
  }
  if (require_all) {
    for (int mode : kModes) {
      if (!out.count(mode)) {
        r.fail(m, path + ": no expectation for mode " + std::to_string(mode) +
                      " (modes 0, 1 and 2 each need 'pass' or 'fail REASON')");
      }
    }
  } else if (out.empty()) {
    r.fail(m, path + ": empty override; give at least one mode or remove it");
  }
  return out;
}

ServerExpectations parse_server_overrides(const Reader& r, const YNode& n, const std::string& path,
                                          const std::string& file) {
  const YNode& m = r.map(n, path);
  if (m.entries.empty()) r.fail(m, path + ": empty override; give at least one mode or profile, or remove it");
  ServerExpectations out;
  YNode modes = m;
  modes.entries.clear();
  for (const auto& [k, v] : m.entries) {
    if (!k.quoted && (k.value == "0" || k.value == "1" || k.value == "2")) {
      modes.entries.push_back(YEntry{k, v});
    } else if (contains(verdict::client_profile_names(), k.value)) {
      out.profiles[k.value] = parse_modes(r, v, path + "." + k.value, file, false);
    } else {
      r.fail(k, path + ": expected a mode (0, 1, 2) or a client profile (" + join(verdict::client_profile_names()) +
                    "), found '" + k.value + "'");
    }
  }
  if (!modes.entries.empty()) out.modes = parse_modes(r, modes, path, file, false);
  return out;
}

}  // namespace tlsmatrix::scenario::schema
