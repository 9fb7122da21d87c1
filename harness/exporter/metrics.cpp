#include "harness/exporter/metrics.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

namespace tlsmatrix::exporter {

namespace {

using probe::Severity;

struct Sample {
  std::string labels;  // rendered: {a="b",c="d"}, or empty
  double value = 0;
};

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Integers (timestamps, counts) exactly; others with enough digits to round-trip.
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.15g", v);
  }
  return buf;
}

std::string labels(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string out = "{";
  for (const auto& [k, v] : kv) {
    if (out.size() > 1) out += ',';
    out += std::string(k) + "=\"" + escape_label_value(v) + "\"";
  }
  return out + "}";
}

// One metric family: written with HELP and TYPE only when it has samples.
class Page {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help,
              const std::vector<Sample>& samples) {
    if (samples.empty()) return;
    out_ += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    out_ += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
    for (const auto& s : samples) out_ += std::string(name) + s.labels + " " + number(s.value) + "\n";
  }
  void gauge(std::string_view name, std::string_view help, std::optional<double> v) {
    if (v) family(name, "gauge", help, {Sample{"", *v}});
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// The settled outcome of check `id`: nullopt when it was not run or is inconclusive. When an id
// appears more than once, a failure wins.
std::optional<Severity> status_of(const probe::ProbeReport& r, std::string_view id) {
  std::optional<Severity> out;
  for (const auto& c : r.checks) {
    if (c.id != id) continue;
    if (!out || c.severity == Severity::error ||
        (c.severity == Severity::inconclusive && *out != Severity::error)) {
      out = c.severity;
    }
  }
  return out;
}

std::optional<double> pass_fail(const probe::ProbeReport& r, std::string_view id) {
  auto s = status_of(r, id);
  if (s == Severity::ok) return 1;
  if (s == Severity::error) return 0;
  return std::nullopt;  // not run, a warning only, or inconclusive
}

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_probe_metrics(const probe::ProbeReport& r,
                                 std::chrono::duration<double> duration,
                                 std::chrono::system_clock::time_point now_point) {
  Page p;
  p.gauge("tlsmatrix_probe_success",
          "1 when the probe ran and no check failed or was inconclusive, else 0.",
          r.passed() ? 1 : 0);
  p.gauge("tlsmatrix_probe_duration_seconds", "Wall time of the whole probe.", duration.count());

  std::optional<double> mode;
  if (r.inferred_mode) mode = *r.inferred_mode;
  p.gauge("tlsmatrix_probe_tls_mode",
          "The tlsMode the endpoint runs, as inferred from its answers (0 plaintext, 1 TLS, 2 TLS "
          "requiring a client certificate); absent when it cannot be told.",
          mode);
  std::optional<double> expected;
  if (r.expected_mode) expected = *r.expected_mode;
  p.gauge("tlsmatrix_probe_expected_tls_mode", "The tlsMode the module expects.", expected);

  const bool tls = !r.tls_version.empty();
  std::optional<double> asks;
  if (tls) asks = r.asks_for_client_cert ? 1 : 0;
  p.gauge("tlsmatrix_probe_client_cert_requested",
          "1 when the TLS server asks for a client certificate.", asks);

  // mTLS enforced: a client without a certificate is turned away. A mode-0 or mode-1 endpoint
  // lets such a client in (0); an unsettled check leaves it absent.
  std::optional<double> enforced = pass_fail(r, "client_cert_required");
  if (!enforced && !status_of(r, "client_cert_required") && r.inferred_mode &&
      *r.inferred_mode < 2) {
    enforced = 0;
  }
  p.gauge("tlsmatrix_probe_mtls_enforced",
          "1 when a client without a certificate is turned away (seen from the server's answer), "
          "0 when it gets in; absent when inconclusive.",
          enforced);
  p.gauge("tlsmatrix_probe_unrelated_ca_refused",
          "1 when a client certificate from an unrelated CA is turned away, 0 when it gets in; "
          "checked only where a client certificate is asked for or mode 2 is expected.",
          pass_fail(r, "unrelated_ca_rejected"));
  std::optional<double> plaintext = pass_fail(r, "rejects_plaintext");
  if (!plaintext && r.inferred_mode == 0) plaintext = 0;
  p.gauge("tlsmatrix_probe_plaintext_refused",
          "1 when a plaintext client is turned away, 0 when it gets in.", plaintext);

  std::vector<Sample> inconclusive, chain;
  int failed = 0;
  for (const auto& c : r.checks) {
    if (c.severity == Severity::inconclusive) {
      inconclusive.push_back(Sample{labels({{"check", c.id}}), 1});
    }
    if (c.severity == Severity::error) ++failed;
    if (c.id.rfind("chain.", 0) == 0 && c.severity != Severity::inconclusive &&
        c.severity != Severity::warning) {
      chain.push_back(Sample{labels({{"profile", c.id.substr(6)}}),
                             c.severity == Severity::ok ? 1.0 : 0.0});
    }
  }
  p.family("tlsmatrix_probe_check_inconclusive", "gauge",
           "1 for each check the probe could not settle (its own TLS client stopped, or the "
           "server never showed its answer); such a check has no 0/1 gauge.",
           inconclusive);
  p.gauge("tlsmatrix_probe_checks_failed", "How many checks failed.", failed);
  p.gauge("tlsmatrix_probe_checks_inconclusive", "How many checks were inconclusive.",
          static_cast<double>(inconclusive.size()));
  p.family("tlsmatrix_probe_chain_verified", "gauge",
           "1 when a client of this profile (grpc-core, go, node) accepts the chain with the "
           "module's trust file and server name, else 0; absent without a trust file.",
           chain);

  // Time left in seconds, not days: Prometheus's base unit (promtool's lint insists), and
  // exact where the probe's whole days round down. An alert divides by 86400.
  const double now = std::chrono::duration<double>(now_point.time_since_epoch()).count();
  std::vector<Sample> not_after, left;
  for (std::size_t i = 0; i < r.chain.size(); ++i) {
    const auto& c = r.chain[i];
    const std::string l = labels({{"position", std::to_string(i)}, {"subject", c.subject}});
    not_after.push_back(Sample{l, static_cast<double>(c.not_after_unix)});
    left.push_back(Sample{l, std::floor(static_cast<double>(c.not_after_unix) - now)});
  }
  p.family("tlsmatrix_probe_cert_not_after_timestamp_seconds", "gauge",
           "notAfter of each presented certificate (position 0 = the leaf), seconds since the "
           "epoch.",
           not_after);
  p.family("tlsmatrix_probe_cert_time_left_seconds", "gauge",
           "Seconds until each presented certificate expires (days left = this / 86400); "
           "negative once expired.",
           left);

  if (tls) {
    p.family("tlsmatrix_probe_tls_version_info", "gauge", "The negotiated TLS version.",
             {Sample{labels({{"version", r.tls_version}}), 1}});
  }
  std::optional<double> hs;
  if (r.handshake_time) hs = std::chrono::duration<double>(*r.handshake_time).count();
  p.gauge("tlsmatrix_probe_tls_handshake_seconds",
          "TLS handshake time of a client without a certificate, from TCP connected to the "
          "client's handshake done.",
          hs);
  return p.take();
}

std::string render_probe_failure(std::chrono::duration<double> duration) {
  Page p;
  p.gauge("tlsmatrix_probe_success",
          "1 when the probe ran and no check failed or was inconclusive, else 0.", 0);
  p.gauge("tlsmatrix_probe_duration_seconds", "Wall time of the whole probe.", duration.count());
  return p.take();
}

std::string render_exporter_metrics(const ExporterStats& s) {
  Page p;
  std::vector<Sample> probes;
  for (const auto& [module, counts] : s.probes) {
    probes.push_back(Sample{labels({{"module", module}, {"result", "success"}}),
                            static_cast<double>(counts.success)});
    probes.push_back(Sample{labels({{"module", module}, {"result", "failure"}}),
                            static_cast<double>(counts.failure)});
  }
  p.family("tlsmatrix_exporter_probes_total", "counter",
           "Probes run, by module and by tlsmatrix_probe_success.", probes);
  p.family("tlsmatrix_exporter_rejected_requests_total", "counter",
           "/probe requests answered without probing: 400 bad parameters, 503 too many probes "
           "in flight.",
           {Sample{labels({{"code", "400"}}), static_cast<double>(s.bad_requests)},
            Sample{labels({{"code", "503"}}), static_cast<double>(s.busy_rejections)}});
  p.gauge("tlsmatrix_exporter_probes_in_flight", "Probes running now.", s.in_flight);
  p.gauge("tlsmatrix_exporter_max_concurrent_probes",
          "At most this many probes run at once (max_concurrent_probes).", s.max_concurrent);
  p.gauge("tlsmatrix_exporter_start_time_seconds", "When the exporter started, since the epoch.",
          s.start_time_seconds);
  p.family("tlsmatrix_exporter_build_info", "gauge", "The exporter's version.",
           {Sample{labels({{"version", TLSMATRIX_VERSION}}), 1}});
  return p.take();
}

}  // namespace tlsmatrix::exporter
