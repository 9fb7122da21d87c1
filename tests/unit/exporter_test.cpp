// The exporter's parts without HTTP: its config reader (strict, FILE:LINE:COL errors), the
// /probe request checks (400 reasons, the scrape-timeout budget), and the metrics page (never a
// 0/1 for a check the probe could not settle). The HTTP front is tested end to end by
// tests/integration/exporter_prometheus.py.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "harness/certs/cert_factory.h"
#include "harness/exporter/exporter_config.h"
#include "harness/exporter/metrics.h"
#include "harness/exporter/probe_request.h"
#include "harness/io/input_error.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/input_errors.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix::exporter {
namespace {

using probe::Finding;
using probe::Severity;
using probe::ProbeReport;

using testutil::message_of;

class ExporterConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs::CertSet set = certs::build_cert_set({testutil::spec("ca", "", true), testutil::spec("client", "ca")});
    certs::write_cert_set(set, dir_.path() / "tls");
  }
  std::filesystem::path write(const std::string& text) {
    auto p = dir_.path() / "exporter.yaml";
    std::ofstream(p) << text;
    return p;
  }
  std::string file() const { return (dir_.path() / "exporter.yaml").string(); }
  testutil::TempDir dir_;
};

TEST_F(ExporterConfigTest, ReadsModulesWithFilesRelativeToTheConfig) {
  ExporterConfig c = load_exporter_config(write(R"(max_concurrent_probes: 2
modules:
  mtls:
    tls_mode: 2
    trust: tls/ca.pem
    client_pem: tls/client.pem
    client_key: tls/client.key
    server_name: localhost
    profiles: [go, node]
    timeout: 1500ms
  infer:
)"));
  EXPECT_EQ(c.max_concurrent_probes, 2);
  ASSERT_EQ(c.modules.size(), 2u);
  const Module& m = c.modules.at("mtls");
  EXPECT_EQ(m.tls_mode, 2);
  EXPECT_EQ(m.trust.size(), 1u);
  EXPECT_TRUE(m.client.has_value());
  EXPECT_EQ(m.trust_file, (dir_.path() / "tls" / "ca.pem").string());
  EXPECT_EQ(m.profiles, (std::vector<std::string>{"go", "node"}));
  EXPECT_EQ(m.timeout, std::chrono::milliseconds(1500));
  const Module& infer = c.modules.at("infer");
  EXPECT_FALSE(infer.tls_mode.has_value());
  EXPECT_EQ(infer.timeout, std::chrono::milliseconds(5000));

  // The whole budget is shared by the probe's connections.
  probe::ProbeOptions o = probe_options(m, probe::Endpoint(net::HostPort{"127.0.0.1", 1}), m.timeout);
  EXPECT_EQ(o.timeout, std::chrono::milliseconds(1500 / kConnectionSlices));
  EXPECT_TRUE(o.client.has_value());
  EXPECT_EQ(o.profiles, m.profiles);
}

TEST_F(ExporterConfigTest, ErrorsNameFileLineAndKey) {
  const std::string f = file();
  auto err = [&](const std::string& text) {
    write(text);
    return message_of([&] { load_exporter_config(f); });
  };
  EXPECT_EQ(err("modules:\n  a:\n    tls_mod: 2\n"),
            f + ":3:5: unknown key 'tls_mod' in modules.a; allowed: tls_mode, trust, client_pem, "
                "client_key, server_name, profiles, timeout");
  EXPECT_EQ(err("modules:\n  a:\n    tls_mode: 3\n"),
            f + ":3:15: modules.a.tls_mode: expected an integer from 0 to 2, found '3'");
  EXPECT_EQ(err("modules:\n  a:\n    trust: tls/nope.pem\n"),
            f + ":3:12: modules.a.trust: " + (dir_.path() / "tls" / "nope.pem").string() +
                ": no such file");
  EXPECT_EQ(err("modules:\n  a:\n    client_pem: tls/client.pem\n"),
            f + ":3:17: modules.a: client_pem and client_key go together");
  EXPECT_EQ(err("modules:\n  a:\n    client_pem: tls/client.pem\n    client_key: tls/ca.key\n"),
            f + ":4:17: modules.a.client_key: " + (dir_.path() / "tls" / "ca.key").string() +
                " does not match the certificate in " + (dir_.path() / "tls" / "client.pem").string());
  EXPECT_EQ(err("modules:\n  a:\n    timeout: 5m\n"),
            f + ":3:14: modules.a.timeout: expected a duration from 10ms to 60s (e.g. 5s, 500ms), "
                "found '5m'");
  EXPECT_EQ(err("modules:\n  a:\n    profiles: [go, java]\n"),
            f + ":3:20: modules.a.profiles: unknown name 'java'; allowed: grpc-core, go, node");
  EXPECT_EQ(err("modules:\n  a:\n    profiles: [go]\n"),
            f + ":3:5: modules.a: profiles need trust (the file the clients trust) to judge the "
                "chain");
  EXPECT_EQ(err("modules:\n  a b: {}\n"),
            f + ":2:3: module name 'a b': use letters, digits, '_', '-' and '.' (at most 64): it "
                "goes into URLs and metric labels");
  EXPECT_EQ(err("modules: {}\n"), f + ":1:10: modules: define at least one module");
  EXPECT_EQ(err("modules:\n  a: {}\n  a: {}\n"), f + ":3:3: duplicate key 'a' (first at line 2)");
  EXPECT_EQ(err("listen: 1\nmodules:\n  a: {}\n"),
            f + ":1:1: unknown key 'listen' in the config; allowed: modules, max_concurrent_probes");
  EXPECT_EQ(err("modules:\n  a: &x {}\n"),
            f + ":2:6: YAML anchors and aliases (&name, *name) are not allowed in exporter config "
                "files; write each value out");
  EXPECT_EQ(err(""), f + ":1:1: empty file: expected the exporter's config (a map with modules)");
  EXPECT_EQ(err("modules:\n  a:\n    server_name: [[[[[[[x]]]]]]]\n"),
            f + ":3:21: nested too deeply (more than 6 levels)");
  EXPECT_EQ(err("modules:\n  a: {}\n---\nmodules:\n  b: {}\n"),
            f + ":3:1: a second YAML document; a file holds exactly one exporter config");
  EXPECT_THAT(err("modules:\n  \xff: {}\n"), ::testing::StartsWith(f + ":2:3: not valid UTF-8"));
}

ExporterConfig two_modules() {
  ExporterConfig c;
  c.file = "exporter.yaml";
  Module a;
  a.name = "mtls";
  a.timeout = std::chrono::milliseconds(5000);
  c.modules.emplace("mtls", std::move(a));
  Module b;
  b.name = "plain";
  c.modules.emplace("plain", std::move(b));
  return c;
}

TEST(ProbeRequest, BadParametersAreOneLineReasons) {
  const ExporterConfig c = two_modules();
  auto err = [&](std::vector<QueryParam> p, std::optional<std::string> h = std::nullopt) {
    ParsedProbeRequest r = parse_probe_request(c, p, h);
    EXPECT_FALSE(r.request.has_value());
    EXPECT_EQ(r.error.find('\n'), std::string::npos);
    return r.error;
  };
  EXPECT_EQ(err({{"module", "mtls"}}), "missing target: /probe?target=HOST:PORT&module=NAME");
  EXPECT_EQ(err({{"target", "127.0.0.1:1"}}), "missing module: /probe?target=HOST:PORT&module=NAME");
  EXPECT_EQ(err({{"target", "127.0.0.1:1"}, {"module", "nope"}}),
            "unknown module 'nope'; exporter.yaml defines: mtls, plain");
  EXPECT_EQ(err({{"target", "127.0.0.1:1"}, {"module", "mtls"}, {"trust", "/etc/x"}}),
            "unknown query parameter 'trust'; expected target and module");
  EXPECT_EQ(err({{"target", "a:1"}, {"target", "b:1"}, {"module", "mtls"}}),
            "query parameter 'target' given twice");
  EXPECT_EQ(err({{"target", "127.0.0.1:99999"}, {"module", "mtls"}}).rfind("target 127.0.0.1:99999", 0),
            0u);
  EXPECT_EQ(err({{"target", "host\n:1"}, {"module", "mtls"}}),
            "target 'host?:1': expected HOST:PORT (e.g. 127.0.0.1:19530)");
  EXPECT_EQ(err({{"target", "user@host:1"}, {"module", "mtls"}}),
            "target 'user@host:1': expected HOST:PORT (e.g. 127.0.0.1:19530)");
  EXPECT_EQ(err({{"target", "127.0.0.1:1"}, {"module", "mtls"}}, "soon"),
            "X-Prometheus-Scrape-Timeout-Seconds: expected a positive number of seconds, found "
            "'soon'");
  EXPECT_FALSE(err({{"target", "127.0.0.1:1"}, {"module", "mtls"}}, "-1").empty());
}

TEST(ProbeRequest, BudgetIsTheModuleTimeoutOrLessThanTheScrapeTimeout) {
  const ExporterConfig c = two_modules();
  const std::vector<QueryParam> p{{"target", "[::1]:19530"}, {"module", "mtls"}};
  auto budget = [&](std::optional<std::string> h) {
    ParsedProbeRequest r = parse_probe_request(c, p, h);
    EXPECT_TRUE(r.request.has_value()) << r.error;
    return r.request ? r.request->budget.count() : -1;
  };
  EXPECT_EQ(budget(std::nullopt), 5000);
  EXPECT_EQ(budget("10"), 5000);
  EXPECT_EQ(budget("3"), 2500);    // less the 0.5 s margin
  EXPECT_EQ(budget("1.2"), 900);   // a quarter of a short scrape timeout
  ParsedProbeRequest r = parse_probe_request(c, p, std::nullopt);
  ASSERT_TRUE(r.request);
  EXPECT_EQ(r.request->target.host, "::1");
  EXPECT_EQ(r.request->module->name, "mtls");
}

probe::CertInfo cert(std::string subject, std::int64_t not_after_unix) {
  probe::CertInfo c;
  c.subject = std::move(subject);
  c.not_after_unix = not_after_unix;
  return c;
}

ProbeReport mode2_report() {
  ProbeReport r;
  r.inferred_mode = 2;
  r.expected_mode = 2;
  r.asks_for_client_cert = true;
  r.tls_version = "TLSv1.3";
  r.handshake_time = std::chrono::microseconds(2500);
  r.chain.push_back(cert("CN=localhost, O=\"Milvus\\Lab\"", 1'800'000'000));
  r.chain.push_back(cert("CN=ca", 1'900'000'000));
  r.checks = {Finding{"rejects_plaintext", Severity::ok, "", "", "", {}, {}, {}},
              Finding{"client_cert_required", Severity::ok, "", "", "", {}, {}, {}},
              Finding{"unrelated_ca_rejected", Severity::ok, "", "", "", {}, {}, {}},
              Finding{"chain.grpc-core", Severity::ok, "", "", "", {}, {}, {}},
              Finding{"chain.go", Severity::error, "", "", "", {}, {}, {}}};
  return r;
}

// The value of the one sample whose line starts with `series` followed by a space.
std::optional<std::string> sample(const std::string& page, const std::string& series) {
  std::istringstream in(page);
  std::string line;
  std::optional<std::string> out;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) {
      EXPECT_FALSE(out.has_value()) << "two samples for " << series;
      out = line.substr(series.size() + 1);
    }
  }
  return out;
}

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

TEST(ProbeMetrics, Mode2Endpoint) {
  const std::string page = render_probe_metrics(mode2_report(), std::chrono::milliseconds(1250), kNow);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_success"), "0");  // chain.go failed
  EXPECT_EQ(sample(page, "tlsmatrix_probe_duration_seconds"), "1.25");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_tls_mode"), "2");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_expected_tls_mode"), "2");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_client_cert_requested"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_mtls_enforced"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_unrelated_ca_refused"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_plaintext_refused"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_checks_failed"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_chain_verified{profile=\"grpc-core\"}"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_chain_verified{profile=\"go\"}"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_chain_verified{profile=\"node\"}"), std::nullopt);
  // Label values escaped; positions bounded by the chain.
  const std::string leaf = "{position=\"0\",subject=\"CN=localhost, O=\\\"Milvus\\\\Lab\\\"\"}";
  EXPECT_EQ(sample(page, "tlsmatrix_probe_cert_not_after_timestamp_seconds" + leaf), "1800000000");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_cert_time_left_seconds" + leaf), "100000000");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_cert_time_left_seconds{position=\"1\",subject=\"CN=ca\"}"),
            "200000000");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_tls_version_info{version=\"TLSv1.3\"}"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_tls_handshake_seconds"), "0.0025");
  EXPECT_EQ(page.find("check_inconclusive{"), std::string::npos);
  // Every family announces its type once, before its samples.
  EXPECT_NE(page.find("# TYPE tlsmatrix_probe_chain_verified gauge\ntlsmatrix_probe_chain_verified{"),
            std::string::npos);
}

TEST(ProbeMetrics, InconclusiveIsNeverAZeroOrOne) {
  ProbeReport r = mode2_report();
  r.inferred_mode.reset();
  r.checks[1].severity = Severity::inconclusive;  // client_cert_required
  r.checks[2].severity = Severity::inconclusive;  // unrelated_ca_rejected
  const std::string page = render_probe_metrics(r, std::chrono::seconds(1), kNow);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_mtls_enforced"), std::nullopt);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_unrelated_ca_refused"), std::nullopt);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_tls_mode"), std::nullopt);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_check_inconclusive{check=\"client_cert_required\"}"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_check_inconclusive{check=\"unrelated_ca_rejected\"}"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_checks_inconclusive"), "2");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_success"), "0");
}

TEST(ProbeMetrics, AskingWithoutRequiringIsNotEnforced) {
  ProbeReport r = mode2_report();
  r.inferred_mode = 1;
  r.checks[1].severity = Severity::error;  // asked, then let a client without one in
  const std::string page = render_probe_metrics(r, std::chrono::seconds(1), kNow);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_mtls_enforced"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_tls_mode"), "1");
}

TEST(ProbeMetrics, OneWayAndPlaintextEndpointsLetClientsWithoutCertificatesIn) {
  ProbeReport one;
  one.inferred_mode = 1;
  one.tls_version = "TLSv1.2";
  one.checks = {Finding{"rejects_plaintext", Severity::ok, "", "", "", {}, {}, {}},
                Finding{"tls_handshake", Severity::ok, "", "", "", {}, {}, {}}};
  std::string page = render_probe_metrics(one, std::chrono::seconds(1), kNow);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_success"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_mtls_enforced"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_client_cert_requested"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_unrelated_ca_refused"), std::nullopt);  // not checked
  EXPECT_EQ(sample(page, "tlsmatrix_probe_plaintext_refused"), "1");

  ProbeReport plain;
  plain.inferred_mode = 0;
  plain.checks = {Finding{"plaintext_h2", Severity::ok, "", "", "", {}, {}, {}}};
  page = render_probe_metrics(plain, std::chrono::seconds(1), kNow);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_mtls_enforced"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_plaintext_refused"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_client_cert_requested"), std::nullopt);
  EXPECT_EQ(page.find("tls_version_info"), std::string::npos);

  // Nothing reached: no claims, only success 0.
  ProbeReport down;
  down.checks = {Finding{"tcp_connect", Severity::error, "", "", "", {}, {}, {}}};
  page = render_probe_metrics(down, std::chrono::seconds(1), kNow);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_success"), "0");
  EXPECT_EQ(sample(page, "tlsmatrix_probe_mtls_enforced"), std::nullopt);
  EXPECT_EQ(sample(page, "tlsmatrix_probe_plaintext_refused"), std::nullopt);
}

TEST(ExporterMetrics, CountsByModule) {
  ExporterStats s;
  s.probes["mtls"] = ModuleCounts{3, 1};
  s.bad_requests = 2;
  s.max_concurrent = 4;
  const std::string page = render_exporter_metrics(s);
  EXPECT_EQ(sample(page, "tlsmatrix_exporter_probes_total{module=\"mtls\",result=\"success\"}"), "3");
  EXPECT_EQ(sample(page, "tlsmatrix_exporter_probes_total{module=\"mtls\",result=\"failure\"}"), "1");
  EXPECT_EQ(sample(page, "tlsmatrix_exporter_rejected_requests_total{code=\"400\"}"), "2");
  EXPECT_EQ(sample(page, "tlsmatrix_exporter_max_concurrent_probes"), "4");
  EXPECT_NE(page.find("# TYPE tlsmatrix_exporter_probes_total counter\n"), std::string::npos);
}

}  // namespace
}  // namespace tlsmatrix::exporter
