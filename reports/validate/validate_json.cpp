#include "reports/validate/validate_json.h"

#include "harness/io/utc_time.h"
#include "harness/validate/profile_rules.h"
#include "reports/bench/cost_report.h"
#include "reports/common/finding_json.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

namespace {
std::optional<std::string> path_text(const std::optional<std::filesystem::path>& p) {
  if (!p) return std::nullopt;
  return p->string();
}
}  // namespace

std::string validate_json(const validate::DeploymentInput& input,
                          const std::vector<validate::Finding>& results,
                          const std::vector<std::string>& notes, int exit_code,
                          double duration_ms, const validate::Timeline& timeline, bool at_given,
                          const std::optional<std::vector<handshake::CostComparison>>& cost) {
  JsonWriter w;
  w.begin_object()
      .member("tool", "tlsmatrix")
      .member("version", TLSMATRIX_VERSION)
      .member("command", "validate")
      .member("started", io::iso8601_utc(input.now));
  // The moment judged when --at moved it (then "started" is that moment too); null otherwise.
  w.member("at", at_given ? std::optional<std::string>(io::iso8601_utc(input.now)) : std::nullopt);
  w.key("input")
      .begin_object()
      .member("tls_mode", input.tls_mode)
      .member("config", input.config_file.empty() ? std::nullopt : path_text(input.config_file))
      .member("server_pem", path_text(input.server_pem))
      .member("server_key", path_text(input.server_key))
      .member("ca_pem", path_text(input.ca_pem))
      .member("client_pem", path_text(input.client_pem))
      .member("client_key", path_text(input.client_key))
      .member("trust", path_text(input.trust))
      .member("server_name", input.server_name)
      .member("warn_days", input.warn_days)
      .member("profiles", input.profiles.empty() ? validate::profile_names() : input.profiles)
      .member("servers", input.servers.empty() ? std::vector<std::string>{"harness"} : input.servers)
      .end_object();

  w.key("checks").begin_array();
  for (const auto& r : results) write_finding(w, r, kValidateFindingJson);
  w.end_array();
  w.member("notes", notes);
  const findings::Counts s = findings::count(results);
  w.key("summary")
      .begin_object()
      .member("ok", s.ok)
      .member("warnings", s.warnings)
      .member("errors", s.errors)
      .end_object();
  w.key("timeline").begin_object();
  w.member("dates_checked", timeline.dates_checked).member("truncated", timeline.truncated);
  w.key("first_break");
  if (timeline.first_break < 0) {
    w.null();
  } else {
    w.value(timeline.first_break);
  }
  w.key("entries").begin_array();
  for (const auto& e : timeline.entries) {
    w.begin_object().member("at", io::iso8601_utc(e.at)).member("causes", e.causes).member("change", e.change)
        .member("breaks", e.breaks);
    w.key("verdicts").begin_array();
    for (const auto& v : e.verdicts) {
      w.begin_object()
          .member("profile", v.profile)
          .member("outcome", v.verdict.outcome == verdict::Outcome::pass ? "pass" : "fail")
          .member("reason", std::string(to_string(v.verdict.reason)))
          .end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  w.key("cost");
  if (cost) {
    w.begin_array();
    for (const auto& c : *cost) write_cost_json(w, c);
    w.end_array();
  } else {
    w.null();
  }
  w.member("exit_code", exit_code).member("duration_ms", duration_ms);
  w.end_object();
  return w.take();
}

}  // namespace tlsmatrix::reports
