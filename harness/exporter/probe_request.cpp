#include "harness/exporter/probe_request.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "harness/io/input_error.h"
#include "harness/net/host_port.h"

namespace tlsmatrix::exporter {

namespace {

ParsedProbeRequest bad(std::string why) { return ParsedProbeRequest{std::nullopt, std::move(why)}; }

// Query values come from anyone who can reach the port: quote them, cut long ones, and keep the
// line one line.
std::string shown(const std::string& v) {
  std::string out;
  for (char c : v.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (v.size() > 80) out += "...";
  return "'" + out + "'";
}

}  // namespace

ParsedProbeRequest parse_probe_request(const ExporterConfig& config,
                                       const std::vector<QueryParam>& params,
                                       const std::optional<std::string>& scrape_timeout) {
  const std::string* target = nullptr;
  const std::string* module = nullptr;
  for (const auto& p : params) {
    const std::string** slot = p.key == "target" ? &target : p.key == "module" ? &module : nullptr;
    if (slot == nullptr) {
      return bad("unknown query parameter " + shown(p.key) + "; expected target and module");
    }
    if (*slot != nullptr) return bad("query parameter '" + p.key + "' given twice");
    *slot = &p.value;
  }
  if (target == nullptr || target->empty()) {
    return bad("missing target: /probe?target=HOST:PORT&module=NAME");
  }
  if (module == nullptr || module->empty()) {
    return bad("missing module: /probe?target=HOST:PORT&module=NAME");
  }
  auto it = config.modules.find(*module);
  if (it == config.modules.end()) {
    std::string names;
    for (const auto& [name, m] : config.modules) names += (names.empty() ? "" : ", ") + name;
    return bad("unknown module " + shown(*module) + "; " + config.file.string() +
               " defines: " + names);
  }
  // A host name is letters, digits, '-', '.', ':' (IPv6) and brackets: anything else (spaces,
  // control characters, '/', '@') is a mistake or an attempt to smuggle something in.
  for (char ch : *target) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    ch == '-' || ch == '.' || ch == ':' || ch == '[' || ch == ']' || ch == '_' ||
                    ch == '%';
    if (!ok) return bad("target " + shown(*target) + ": expected HOST:PORT (e.g. 127.0.0.1:19530)");
  }
  ProbeRequest req;
  req.module = &it->second;
  try {
    req.target = probe::Endpoint(net::parse_host_port(*target, "target"));
  } catch (const io::InputError& e) {
    return bad(e.what());
  }
  req.budget = req.module->timeout;
  if (scrape_timeout) {
    double s = 0;
    const std::string& v = *scrape_timeout;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), s);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !std::isfinite(s) ||
        s <= 0) {
      return bad("X-Prometheus-Scrape-Timeout-Seconds: expected a positive number of seconds, "
                 "found " + shown(v));
    }
    const auto scrape = std::chrono::milliseconds(std::llround(std::min(s, 86400.0) * 1000));
    const auto margin = std::min(kScrapeMargin, scrape / 4);
    req.budget = std::min(req.budget, scrape - margin);
  }
  return ParsedProbeRequest{std::move(req), {}};
}

}  // namespace tlsmatrix::exporter
