#include <cstdio>

#include "harness/handshake/latency_histogram.h"
#include "reports/bench/bench_report.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

namespace {

void write_latency_histogram(JsonWriter& w, const handshake::LatencyHistogram& h) {
  // Bucket i: [2^(i/16), 2^((i+1)/16)) µs; only buckets with samples. `bench merge` adds them.
  w.key("latency_histogram").begin_object();
  w.member("scheme", "log2/16");
  w.key("buckets").begin_array();
  for (const auto& [i, n] : h.buckets()) {
    w.begin_object().member("index", i).member("upper_us", handshake::LatencyHistogram::upper_us(i));
    w.member("count", n).end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

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
    w.member("key", certs::to_string(r.config.key));
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
    write_latency_histogram(w, handshake::histogram_of(l.latencies_us));
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

std::string bench_merge_json(const handshake::MergedBench& merged) {
  JsonWriter w;
  w.begin_object();
  w.member("tool", "tlsmatrix").member("version", TLSMATRIX_VERSION);
  w.key("merged_from").begin_array();
  for (const auto& f : merged.files) w.value(f);
  w.end_array();
  w.key("results").begin_array();
  for (const auto& r : merged.rows) {
    w.begin_object();
    w.member("layer", r.layer).member("mode", r.mode).member("key", r.key).member("tls", r.tls);
    w.member("resume", r.resume).member("target", r.target).member("runs", r.runs);
    w.member("handshakes_per_s", r.handshakes_per_s);
    w.member("p50_us", r.latency.percentile_us(50));
    w.member("p90_us", r.latency.percentile_us(90));
    w.member("p99_us", r.latency.percentile_us(99));
    w.member("cpu_us_per_handshake", r.cpu_us_per_handshake);
    w.member("handshakes", r.handshakes).member("failed", r.failed).member("cut_off", r.cut_off);
    write_latency_histogram(w, r.latency);
    w.key("errors").begin_array();
    for (const auto& [reason, count] : r.errors) {
      w.begin_object().member("reason", reason).member("count", count).end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

std::string bench_merge_text(const handshake::MergedBench& merged) {
  std::string out = "tlsmatrix bench merge: " + std::to_string(merged.files.size()) +
                    " files; rates add, percentiles from the merged latency histograms\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-44s %4s %9s %9s %9s %9s %8s\n", "configuration", "runs", "hs/s",
                "p50 µs", "p90 µs", "p99 µs", "failed");
  out += line;
  for (const auto& r : merged.rows) {
    std::string label = r.layer + " mode " + std::to_string(r.mode) + " " + r.key + " TLS" + r.tls +
                        (r.resume ? " resumed" : " full");
    std::snprintf(line, sizeof line, "%-44s %4d %9.0f %8.0f %8.0f %8.0f %8llu\n", label.c_str(), r.runs,
                  r.handshakes_per_s, r.latency.percentile_us(50), r.latency.percentile_us(90),
                  r.latency.percentile_us(99), static_cast<unsigned long long>(r.failed));
    out += line;
    out += "    target " + r.target + "\n";
    for (const auto& [reason, count] : r.errors) out += "    " + std::to_string(count) + "x " + reason + "\n";
  }
  return out;
}

}  // namespace tlsmatrix::reports
