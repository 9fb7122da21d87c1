#include "reports/bench/bench_report.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

std::string bench_json(const std::vector<BenchResult>& results, const BenchRunInfo& info) {
  JsonWriter w;
  w.begin_object();
  w.member("tool", "tlsmatrix").member("version", TLSMATRIX_VERSION);
  w.member("started", info.started).member("cores", info.cores);
  w.key("load_average").begin_array().value(info.load_before).value(info.load_after).end_array();
  w.key("failures").begin_array();
  for (const auto& f : info.failures) w.value(f);
  w.end_array();
  if (!info.stopped.empty()) w.member("stopped", info.stopped);
  w.key("results").begin_array();
  for (const auto& r : results) {
    const auto& l = r.load;
    w.begin_object();
    // The contract's fields first, in its order.
    w.member("layer", handshake::to_string(r.layer));
    w.member("mode", r.config.mode);
    w.member("key", tlsmatrix::to_string(r.config.key));
    w.member("tls", handshake::to_string(r.config.tls));
    w.member("resume", r.config.resume);
    w.member("concurrency", r.concurrency);
    w.member("handshakes_per_s", l.rate());
    w.member("p50_us", l.percentile_us(50));
    w.member("p90_us", l.percentile_us(90));
    w.member("p99_us", l.percentile_us(99));
    w.member("cpu_us_per_handshake", l.cpu_us_per_handshake());
    w.member("ceiling_per_s", r.ceiling_per_s());
    w.member("bound_per_s", r.bound.per_s);
    w.member("fraction_of_ceiling", r.fraction_of_ceiling());
    w.member("fraction_of_bound", r.fraction_of_bound());
    // Additive detail.
    w.member("processes", r.processes);
    w.member("target", r.target);
    w.member("duration_s", l.elapsed_s);
    w.member("handshakes", l.ok);
    w.member("failed", l.failed);
    w.member("resumed_handshakes", l.resumed);
    w.member("ceiling_cpu_us_per_handshake", r.ceiling.cpu_us_per_handshake());
    w.member("bound_us_per_handshake", r.bound.us_per_handshake);
    w.key("bound_ops").begin_array();
    for (const auto& op : r.bound.ops) {
      w.begin_object().member("op", op.name).member("us", op.us).member("count", op.count).end_object();
    }
    w.end_array();
    w.member("cut_off", l.cut_off);
    w.member("target_lost", l.target_lost);
    if (!l.first_error.empty()) w.member("first_error", l.first_error);
    w.key("errors").begin_array();
    for (const auto& e : l.errors) {
      w.begin_object().member("reason", e.reason).member("count", e.count).end_object();
    }
    w.end_array();
    if (r.target == "in-process") w.member("server_failures", r.server_failures);
    if (r.target_facts) {
      const auto& t = *r.target_facts;
      w.key("negotiated").begin_object();
      w.member("version", t.version).member("cipher", t.cipher).member("alpn", t.alpn);
      w.member("server_key", t.server_key);
      w.member("cert_requested", t.cert_requested).member("client_cert_sent", t.cert_sent);
      w.member("verified", t.verified);
      w.end_object();
    }
    w.key("notes").begin_array();
    for (const auto& n : r.notes) w.value(n);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

}  // namespace tlsmatrix::reports
