// Table tests for the profile engine: each knob (CN fallback, wildcards, IP names, partial
// chains, EKU, validity, security level) against each profile, on real generated certificates.
// Each row states what the stack does (README.md, "Client profiles") and the failing row prints its parameters.
#include "harness/verdict/profile.h"

#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/verdict/hostname_match.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

using namespace std::chrono_literals;

// Every CA here is "Test CA"; the leaf is "server", named `cn` with `sans`.
certs::CertSpec ca(std::string name = "ca") { return testutil::ca_spec(std::move(name), "Test CA"); }
certs::CertSpec server(std::string cn, std::vector<std::string> sans, std::string issuer = "ca") {
  return testutil::leaf_spec("server", std::move(issuer), std::move(cn), std::move(sans));
}

struct Fixture {
  certs::CertSet set;
  verdict::PresentedChain chain(const std::vector<const char*>& names) const {
    verdict::PresentedChain c;
    for (const char* n : names) {
      auto x = ossl::up_ref(set.get(n).cert.get());
      if (!c.leaf) c.leaf = std::move(x); else c.rest.push_back(std::move(x));
    }
    return c;
  }
  std::vector<X509*> roots(const std::vector<const char*>& names) const {
    std::vector<X509*> out;
    for (const char* n : names) out.push_back(set.get(n).cert.get());
    return out;
  }
};

Fixture make(std::vector<certs::CertSpec> specs) { return Fixture{certs::build_cert_set(specs)}; }

verdict::Reason verdict(const char* profile, const Fixture& f, std::string_view name,
               const std::vector<const char*>& chain = {"server"},
               const std::vector<const char*>& roots = {"ca"}) {
  const verdict::ClientProfile* p = verdict::find_profile(profile);
  EXPECT_NE(p, nullptr) << profile;
  return verdict::verify_server(*p, f.chain(chain), f.roots(roots), name).reason;
}

struct NameRow {
  const char* what;
  std::string cn;
  std::vector<std::string> sans;
  std::string name;
  verdict::Reason core, go, node;
};

TEST(Profile, NameRulesPerStack) {
  const auto ok = verdict::Reason::ok, bad = verdict::Reason::hostname_mismatch;
  const std::vector<NameRow> rows = {
      {"exact DNS SAN", "x", {"DNS:localhost"}, "localhost", ok, ok, ok},
      {"name only in the CN, no SAN", "localhost", {}, "localhost", ok, bad, ok},
      {"CN only, but a URI SAN exists", "localhost", {"URI:spiffe://a/b"}, "localhost", bad, bad, ok},
      {"CN only, but an IP SAN exists", "localhost", {"IP:127.0.0.1"}, "localhost", bad, bad, ok},
      {"CN differs from a DNS SAN", "localhost", {"DNS:other"}, "localhost", bad, bad, bad},
      {"IP name in the CN only", "127.0.0.1", {}, "127.0.0.1", bad, bad, bad},
      {"IP SAN", "x", {"IP:127.0.0.1"}, "127.0.0.1", ok, ok, ok},
      {"IP name as a DNS SAN", "x", {"DNS:127.0.0.1"}, "127.0.0.1", ok, bad, bad},
      {"DNS name vs IP SAN only", "x", {"IP:127.0.0.1"}, "localhost", bad, bad, bad},
      {"wildcard, one label", "x", {"DNS:*.example.com"}, "a.example.com", ok, ok, ok},
      {"wildcard, two labels", "x", {"DNS:*.example.com"}, "a.b.example.com", bad, bad, bad},
      {"wildcard vs its base", "x", {"DNS:*.example.com"}, "example.com", bad, bad, bad},
      {"wildcard on a TLD", "x", {"DNS:*.com"}, "example.com", bad, ok, bad},
      {"partial-label wildcard", "x", {"DNS:f*.example.com"}, "foo.example.com", bad, bad, ok},
      {"case-insensitive", "x", {"DNS:LocalHost"}, "localhost", ok, ok, ok},
      {"wildcard in the CN, no SAN", "*.example.com", {}, "a.example.com", ok, bad, ok},
  };
  for (const auto& row : rows) {
    Fixture f = make({ca(), server(row.cn, row.sans)});
    EXPECT_EQ(verdict("grpc-core", f, row.name), row.core) << row.what << " (grpc-core)";
    EXPECT_EQ(verdict("go", f, row.name), row.go) << row.what << " (go)";
    EXPECT_EQ(verdict("node", f, row.name), row.node) << row.what << " (node)";
  }
}

// The pages' one-way client trusts server.pem itself, a CA-signed leaf: C-core and Go take any
// trusted certificate as anchor, Node (no PARTIAL_CHAIN) does not.
TEST(Profile, LeafAsOnlyTrustRoot) {
  Fixture f = make({ca(), server("localhost", {"DNS:localhost"})});
  EXPECT_EQ(verdict("grpc-core", f, "localhost", {"server"}, {"server"}), verdict::Reason::ok);
  EXPECT_EQ(verdict("go", f, "localhost", {"server"}, {"server"}), verdict::Reason::ok);
  EXPECT_EQ(verdict("node", f, "localhost", {"server"}, {"server"}), verdict::Reason::unknown_ca);
}

struct ChainRow {
  const char* what;
  std::function<void(std::vector<certs::CertSpec>&)> tweak;  // specs: ca, inter, server, other-ca
  std::vector<const char*> chain;
  std::vector<const char*> roots;
  verdict::Reason want;  // the same for every profile
};

TEST(Profile, ChainFaultsNameTheReason) {
  const std::vector<ChainRow> rows = {
      {"valid with intermediate", [](auto&) {}, {"server", "inter"}, {"ca"}, verdict::Reason::ok},
      {"intermediate not sent", [](auto&) {}, {"server"}, {"ca"}, verdict::Reason::unknown_ca},
      {"trusts an unrelated CA", [](auto&) {}, {"server", "inter"}, {"other"}, verdict::Reason::unknown_ca},
      {"expired leaf", [](auto& s) { s[2].not_after = -1h; }, {"server", "inter"}, {"ca"}, verdict::Reason::server_cert_expired},
      {"expired intermediate", [](auto& s) { s[1].not_after = -1h; }, {"server", "inter"}, {"ca"},
       verdict::Reason::server_cert_expired},
      {"expired root", [](auto& s) { s[0].not_after = -1h; }, {"server", "inter"}, {"ca"}, verdict::Reason::server_cert_expired},
      {"leaf not yet valid", [](auto& s) { s[2].not_before = 48h; s[2].not_after = 96h; }, {"server", "inter"},
       {"ca"}, verdict::Reason::server_cert_not_yet_valid},
      {"EKU clientAuth only", [](auto& s) { s[2].ext_key_usage = {"clientAuth"}; }, {"server", "inter"}, {"ca"},
       verdict::Reason::server_cert_invalid},
      {"EKU serverAuth", [](auto& s) { s[2].ext_key_usage = {"serverAuth"}; }, {"server", "inter"}, {"ca"},
       verdict::Reason::ok},
      {"issuer is not a CA", [](auto& s) { s[1].ca = false; s[1].key_usage = std::vector<std::string>{}; },
       {"server", "inter"}, {"ca"}, verdict::Reason::server_cert_invalid},
      {"SHA-1 signed leaf", [](auto& s) { s[2].digest = "sha1"; s[2].key_type = certs::KeyType::rsa2048; },
       {"server", "inter"}, {"ca"}, verdict::Reason::server_cert_invalid},
      // Go refuses SHA-1 at any depth, OpenSSL below level 1 or 2 the CA's digest too.
      {"SHA-1 signed intermediate", [](auto& s) { s[1].digest = "sha1"; }, {"server", "inter"}, {"ca"},
       verdict::Reason::server_cert_invalid},
  };
  for (const auto& row : rows) {
    std::vector<certs::CertSpec> specs{ca(), ca("inter"), server("localhost", {"DNS:localhost"}, "inter"),
                                ca("other")};
    specs[1].issuer = "ca";
    row.tweak(specs);
    Fixture f = make(specs);
    for (const auto& p : verdict::client_profiles()) {
      EXPECT_EQ(verdict::verify_server(p, f.chain(row.chain), f.roots(row.roots), "localhost").reason, row.want)
          << row.what << " (" << p.name << ")";
    }
  }
}

// OpenSSL's security level (2 on Debian 12) refuses an RSA-1024 server key; Go 1.19 does not.
TEST(Profile, SecurityLevelRefusesSmallKeys) {
  auto leaf = server("localhost", {"DNS:localhost"});
  leaf.key_type = certs::KeyType::rsa1024;
  Fixture f = make({ca(), leaf});
  EXPECT_EQ(verdict("grpc-core", f, "localhost"), verdict::Reason::server_cert_invalid);
  EXPECT_EQ(verdict("go", f, "localhost"), verdict::Reason::ok);
}

TEST(Profile, DetailSaysWhy) {
  Fixture f = make({ca(), server("localhost", {})});
  auto v = verdict::verify_server(*verdict::find_profile("go"), f.chain({"server"}), f.roots({"ca"}), "localhost");
  EXPECT_NE(v.detail.find("never uses the CN"), std::string::npos) << v.detail;
}

TEST(Profile, NamesAreKnown) {
  EXPECT_NE(verdict::find_profile("grpc-core"), nullptr);
  EXPECT_TRUE(verdict::find_profile("grpc-core")->native_grpc_core);
  EXPECT_EQ(verdict::find_profile("nope"), nullptr);
  EXPECT_EQ(verdict::client_profile_names().front(), "grpc-core");
}

}  // namespace
}  // namespace tlsmatrix
