// The scenario keys of issue 15: bundles, key_of, extension forms, serials, email SANs, several
// CNs, new key types. Each loads into the model and generates what it says; each bad value is a
// FILE:LINE error naming the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <string>

#include "harness/certs/cert_factory.h"
#include "harness/io/input_error.h"
#include "harness/runner/cell_setup.h"
#include "harness/scenario/scenario_loader.h"

namespace tlsmatrix {
namespace {

using ::testing::HasSubstr;

// Line 4 onwards is a cert map's body for `certs.x`; tests put their keys at line 6.
std::string doc(const std::string& x_keys, const std::string& server = "  cert: x\n",
                const std::string& client = "") {
  return "name: t\nsummary: s\ncerts:\n  ca: {cn: CA, ca: true}\n  x:\n" + x_keys +
         "  y: {issuer: ca, cn: y}\nserver:\n" + server + (client.empty() ? "" : "client:\n" + client) +
         "expect: {0: pass, 1: pass, 2: pass}\n";
}

std::string error_of(const std::string& yaml) {
  try {
    scenario::parse_scenario(yaml, "m.yaml");
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "(loaded)";
}

const certs::CertSpec& cert(const scenario::Scenario& s, const std::string& name) {
  for (const auto& c : s.certs) {
    if (c.name == name) return c;
  }
  throw std::out_of_range(name);
}

TEST(ScenarioBundles, ScalarOrListAndWrittenInOrder) {
  scenario::Scenario s = scenario::parse_scenario(
      doc("    issuer: ca\n    cn: localhost\n", "  cert: x\n  ca: [y, ca]\n",
          "  ca_pem_path: [ca, y]\n  client_pem_path: y\n"),
      "m.yaml");
  EXPECT_EQ(s.server.ca, (std::vector<std::string>{"y", "ca"}));
  EXPECT_EQ(s.client.ca_pem_path, (std::vector<std::string>{"ca", "y"}));
  scenario::Scenario one = scenario::parse_scenario(doc("    issuer: ca\n", "  cert: x\n  ca: ca\n"), "m.yaml");
  EXPECT_EQ(one.server.ca, std::vector<std::string>{"ca"});

  certs::CertSet certs = certs::build_cert_set(s.certs);
  endpoints::ServerFiles f = runner::server_files(s, certs);
  EXPECT_EQ(f.ca_pem, certs.get("y").cert_pem + certs.get("ca").cert_pem);
  EXPECT_EQ(f.ca_label, "tls.caPemPath (bundle: y.pem + ca.pem)");
  endpoints::ClientSetup c = runner::client_setup(s, certs, 2);
  EXPECT_EQ(c.trust_pem, certs.get("ca").cert_pem + certs.get("y").cert_pem);
  // One name reads as it always did (the JSON report of today's catalogue stays the same).
  EXPECT_EQ(runner::server_files(one, certs).ca_label, "tls.caPemPath (ca.pem)");
}

TEST(ScenarioBundles, ErrorsNameTheLine) {
  EXPECT_THAT(error_of(doc("    issuer: ca\n", "  cert: x\n  ca: []\n")),
              HasSubstr("m.yaml:10:7: server.ca: an empty bundle"));
  EXPECT_THAT(error_of(doc("    issuer: ca\n", "  cert: x\n  ca: [ca, nope]\n")),
              HasSubstr("m.yaml:10:12: server.ca: no cert named 'nope'"));
  EXPECT_THAT(error_of(doc("    issuer: ca\n", "  cert: x\n", "  server_pem_path: [x, {a: b}]\n")),
              HasSubstr("m.yaml:11:24: client.server_pem_path: expected a scalar"));
}

TEST(ScenarioKeyOf, SharesTheKeyAndItsType) {
  scenario::Scenario s = scenario::parse_scenario(doc("    key_of: y\n    issuer: ca\n"), "m.yaml");
  // y is written after x: key_of follows names, not order.
  EXPECT_EQ(cert(s, "x").key_of, "y");
  scenario::Scenario ec = scenario::parse_scenario(
      "name: t\nsummary: s\ncerts:\n  a: {cn: a, key: ec-p384}\n  b: {cn: b, key_of: a}\n"
      "server: {cert: b}\nexpect: {0: pass, 1: pass, 2: pass}\n",
      "m.yaml");
  EXPECT_EQ(cert(ec, "b").key_type, certs::KeyType::ec_p384);
  certs::CertSet certs = certs::build_cert_set(ec.certs);
  EXPECT_EQ(certs.get("a").key_pem, certs.get("b").key_pem);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(certs.get("a").cert.get()),
                        X509_get0_pubkey(certs.get("b").cert.get())),
            1);
}

TEST(ScenarioKeyOf, ErrorsNameTheLine) {
  EXPECT_THAT(error_of(doc("    key_of: nope\n")), HasSubstr("m.yaml:6:13: certs.x.key_of: no cert named 'nope'"));
  EXPECT_THAT(error_of(doc("    key_of: x\n")), HasSubstr("m.yaml:6:13: certs.x.key_of: a cert cannot share its own key"));
  EXPECT_THAT(error_of("name: t\nsummary: s\ncerts:\n  a: {cn: a, key_of: b}\n  b: {cn: b, key_of: a}\n"
                       "server: {cert: b}\nexpect: {0: pass, 1: pass, 2: pass}\n"),
              HasSubstr("m.yaml:4:22: certs.a.key_of: key_of loops back to 'a'"));
  EXPECT_THAT(error_of(doc("    key_of: y\n    key: ec-p256\n")),
              HasSubstr("m.yaml:7:10: certs.x.key: ec-p256, but key_of: y shares a rsa2048 key"));
}

TEST(ScenarioExtensions, EveryKeyLoadsAndGenerates) {
  scenario::Scenario s = scenario::parse_scenario(doc("    issuer: ca\n"
                                  "    key: rsa-pss\n"
                                  "    cn: [one, two]\n"
                                  "    san: [DNS:localhost, \"email:a@example.com\"]\n"
                                  "    ext_key_usage: [serverAuth, anyExtendedKeyUsage, 1.3.6.1.4.1.55555.3]\n"
                                  "    critical: {basic_constraints: false, key_usage: false, ext_key_usage: true, san: true}\n"
                                  "    extensions: [{oid: 1.3.6.1.4.1.55555.9, critical: true}]\n"
                                  "    ski: absent\n"
                                  "    aki: mismatched\n"
                                  "    serial: 0x0102030405060708090a0b0c0d0e0f101112131415\n"),
                              "m.yaml");
  const certs::CertSpec& x = cert(s, "x");
  EXPECT_EQ(x.key_type, certs::KeyType::rsa_pss);
  EXPECT_EQ(x.cn, "one");
  EXPECT_EQ(x.more_cns, std::vector<std::string>{"two"});
  EXPECT_EQ(x.ext_key_usage.size(), 3U);
  EXPECT_FALSE(x.basic_constraints_critical);
  EXPECT_FALSE(x.key_usage_critical);
  EXPECT_TRUE(x.ext_key_usage_critical);
  EXPECT_EQ(x.san_critical, true);
  ASSERT_EQ(x.extra_extensions.size(), 1U);
  EXPECT_TRUE(x.extra_extensions[0].critical);
  EXPECT_EQ(x.subject_key_id, certs::KeyIdForm::absent);
  EXPECT_EQ(x.authority_key_id, certs::KeyIdForm::mismatched);
  EXPECT_EQ(x.serial_bytes.size(), 21U);

  certs::CertSet certs = certs::build_cert_set(s.certs);
  const X509* c = certs.get("x").cert.get();
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(c, X509_get_ext_by_NID(c, NID_basic_constraints, -1))), 0);
  EXPECT_EQ(X509_get_ext_by_NID(c, NID_subject_key_identifier, -1), -1);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(c)), 2);

  scenario::Scenario nc = scenario::parse_scenario(doc("    ca: true\n    basic_constraints: true\n"
                                   "    name_constraints: {permitted: [DNS:example.com, IP:10.0.0.0/8], excluded: [IP:fd00::/8]}\n"
                                   "    critical: {name_constraints: false}\n"),
                               "m.yaml");
  ASSERT_TRUE(cert(nc, "x").name_constraints);
  EXPECT_FALSE(cert(nc, "x").name_constraints->critical);
  certs::CertSet nc_certs = certs::build_cert_set(nc.certs);
  const X509* n = nc_certs.get("x").cert.get();
  int loc = X509_get_ext_by_NID(n, NID_name_constraints, -1);
  ASSERT_GE(loc, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(n, loc)), 0);

  scenario::Scenario zero = scenario::parse_scenario(doc("    serial: 0\n    basic_constraints: false\n"), "m.yaml");
  EXPECT_EQ(cert(zero, "x").serial, 0U);
  EXPECT_FALSE(cert(zero, "x").basic_constraints);
}

TEST(ScenarioExtensions, RefusedWithTheReason) {
  struct Case {
    std::string keys;
    std::string message;
  };
  const Case cases[] = {
      {"    ca: true\n    basic_constraints: false\n",
       "m.yaml:7:24: certs.x.basic_constraints: false leaves out the extension that says ca: true"},
      {"    basic_constraints: false\n    critical: {basic_constraints: true}\n",
       "m.yaml:7:15: certs.x.critical.basic_constraints: there is no basicConstraints extension"},
      {"    critical: {san: true}\n", "certs.x.critical.san: there is no subjectAltName"},
      {"    critical: {ext_key_usage: true}\n", "certs.x.critical.ext_key_usage: there is no extendedKeyUsage"},
      {"    critical: {name_constraints: true}\n", "certs.x.critical.name_constraints: needs name_constraints"},
      {"    critical: {colour: true}\n", "m.yaml:6:16: unknown key 'colour' in certs.x.critical"},
      {"    ext_key_usage: [webAuth]\n", "m.yaml:6:21: certs.x.ext_key_usage: unknown name 'webAuth'"},
      {"    ext_key_usage: [1.3.x]\n", "unknown name '1.3.x'"},
      {"    ext_key_usage: [3.1.2]\n", "unknown name '3.1.2'"},
      {"    name_constraints: {permitted: [IP:10.0.0.0/33]}\n",
       "m.yaml:6:36: certs.x.name_constraints.permitted: bad entry 'IP:10.0.0.0/33'"},
      {"    name_constraints: {permitted: [IP:10.0.0.0]}\n", "bad entry 'IP:10.0.0.0'"},
      {"    name_constraints: {excluded: [HOST:x]}\n", "bad entry 'HOST:x'"},
      {"    name_constraints: {permitted: []}\n", "certs.x.name_constraints: both lists are empty"},
      {"    extensions: [{oid: 2.5.29.19}]\n",
       "m.yaml:6:24: certs.x.extensions.oid: 2.5.29.19 is an extension the generator writes itself"},
      {"    extensions: [{oid: basic}]\n", "certs.x.extensions.oid: 'basic' is not a dotted OID"},
      {"    extensions: [{oid: 1.2.3, critical: yes}]\n", "certs.x.extensions.critical: expected true or false"},
      {"    extensions: [{oid: 1.2.3}, {oid: 1.2.3}]\n", "1.2.3 is listed twice"},
      {"    extensions: [{critical: true}]\n", "certs.x.extensions: missing required key 'oid'"},
      {"    ski: mismatched\n", "m.yaml:6:10: certs.x.ski: expected present or absent"},
      {"    aki: wrong\n", "certs.x.aki: expected present, absent or mismatched"},
      {"    serial: -1\n", "m.yaml:6:13: certs.x.serial: expected an integer from 0"},
      {"    serial: 0xZZ\n", "certs.x.serial: expected hex digits after 0x"},
      {"    serial: 0x" + std::string(130, 'f') + "\n", "at most 64 bytes"},
      {"    san: [\"email:caf\xc3\xa9@x\"]\n", "is not printable ASCII"},
      {"    cn: []\n", "certs.x.cn: an empty list"},
      {"    cn: [a, " + std::string(65, 'b') + "]\n", "certs.x.cn: 65 characters"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(error_of(doc(c.keys)), HasSubstr(c.message)) << c.keys;
  }
}

}  // namespace
}  // namespace tlsmatrix
