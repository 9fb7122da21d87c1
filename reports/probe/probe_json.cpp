#include "reports/probe/probe_json.h"

#include "reports/common/finding_json.h"
#include "reports/common/json_out.h"

namespace tlsmatrix::reports {

std::string probe_json(const probe::ProbeReport& r) {
  JsonWriter w;
  w.begin_object()
      .member("tool", "tlsmatrix")
      .member("version", TLSMATRIX_VERSION)
      .member("command", "probe")
      .member("endpoint", r.endpoint)
      .member("address", r.address)
      .member("server_name", r.server_name)
      .member("timeout_s", static_cast<double>(r.timeout.count()) / 1000.0)
      .member("alive_wait_s", static_cast<double>(r.alive_wait.count()) / 1000.0);
  // null when the endpoint answered as neither plaintext HTTP/2 nor TLS (or not at all).
  w.member("tls_mode", r.inferred_mode);
  w.member("expected_mode", r.expected_mode);
  w.member("asks_for_client_cert", r.asks_for_client_cert);
  w.key("tls");
  if (r.tls_version.empty()) {
    w.null();
  } else {
    w.begin_object()
        .member("version", r.tls_version)
        .member("cipher", r.cipher)
        .member("alpn", r.alpn)
        .end_object();
  }
  w.member("acceptable_ca_names", r.acceptable_ca_names);
  w.key("chain").begin_array();
  for (const auto& c : r.chain) {
    w.begin_object()
        .member("subject", c.subject)
        .member("issuer", c.issuer)
        .member("sans", c.sans)
        .member("key_type", c.key_type)
        .member("key_bits", c.key_bits)
        .member("key", c.key_detail)
        .member("signature_digest", c.signature_digest)
        .member("not_before", c.not_before)
        .member("not_after", c.not_after)
        .member("days_left", c.days_left)
        .member("expired", c.expired)
        .member("not_yet_valid", c.not_yet_valid)
        .member("self_signed", c.self_signed)
        .member("ca", c.ca)
        .end_object();
  }
  w.end_array();
  w.key("checks").begin_array();
  for (const auto& c : r.checks) write_finding(w, c, kProbeFindingJson);
  w.end_array();
  const findings::Counts n = findings::count(r.checks);
  w.member("passed", r.passed())
      .key("summary")
      .begin_object()
      .member("checks", static_cast<std::int64_t>(r.checks.size()))
      .member("failed", n.errors)
      .member("warnings", n.warnings)
      .member("inconclusive", n.inconclusive)
      .end_object();
  w.end_object();
  return w.take();
}

}  // namespace tlsmatrix::reports
