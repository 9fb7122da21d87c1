#include "harness/cli/validate_json.h"

#include <ctime>

#include "harness/validate/profile_rules.h"
#include "reports/json_out.h"

namespace tlsmatrix::cli {

using reports::JsonWriter;

namespace {
std::string iso8601(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void optional_path(JsonWriter& w, const char* key, const std::optional<std::filesystem::path>& p) {
  w.key(key);
  if (p) {
    w.value(p->string());
  } else {
    w.null();
  }
}
}  // namespace

std::string validate_json(const validate::DeploymentInput& input,
                          const std::vector<validate::CheckResult>& results,
                          const std::vector<std::string>& notes, int exit_code,
                          double duration_ms) {
  JsonWriter w;
  w.begin_object()
      .member("tool", "tlsmatrix")
      .member("version", TLSMATRIX_VERSION)
      .member("command", "validate")
      .member("started", iso8601(input.now));
  w.key("input").begin_object().member("tls_mode", input.tls_mode);
  w.key("config");
  if (input.config_file.empty()) {
    w.null();
  } else {
    w.value(input.config_file.string());
  }
  optional_path(w, "server_pem", input.server_pem);
  optional_path(w, "server_key", input.server_key);
  optional_path(w, "ca_pem", input.ca_pem);
  optional_path(w, "client_pem", input.client_pem);
  optional_path(w, "client_key", input.client_key);
  optional_path(w, "trust", input.trust);
  w.member("server_name", input.server_name).member("warn_days", input.warn_days);
  w.key("profiles").begin_array();
  for (const auto& p : input.profiles.empty() ? validate::profile_names() : input.profiles) {
    w.value(p);
  }
  w.end_array().end_object();

  w.key("checks").begin_array();
  for (const auto& r : results) {
    w.begin_object()
        .member("check", r.check)
        .member("severity", validate::to_string(r.severity))
        .member("file", r.file)
        .member("message", r.message)
        .member("fix", r.fix);
    w.key("profiles").begin_array();
    for (const auto& p : r.profiles) w.value(p);
    w.end_array().end_object();
  }
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& n : notes) w.value(n);
  w.end_array();
  const validate::Summary s = validate::summarize(results);
  w.key("summary")
      .begin_object()
      .member("ok", s.ok)
      .member("warnings", s.warnings)
      .member("errors", s.errors)
      .end_object();
  w.member("exit_code", exit_code).member("duration_ms", duration_ms);
  w.end_object();
  return w.take();
}

}  // namespace tlsmatrix::cli
