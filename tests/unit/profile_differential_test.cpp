// Rules the differential campaign (tests/differential/) found the profiles missing: each row is a
// class of disagreement between a profile and its real stack, with the catalogue scenario that
// checks it against the real stacks named beside it.
#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/verdict/profile.h"

namespace tlsmatrix {
namespace {

using namespace std::chrono_literals;
using certs::CertSet;
using certs::CertSpec;
using certs::KeyType;
using verdict::find_profile;
using verdict::PresentedChain;
using verdict::Reason;
using verdict::verify_server;

CertSpec ca(std::string name = "ca") {
  CertSpec s;
  s.name = std::move(name);
  s.cn = "CA " + s.name;
  s.ca = true;
  s.key_type = KeyType::ec_p256;
  return s;
}

CertSpec leaf(std::vector<std::string> sans, std::string issuer = "ca") {
  CertSpec s;
  s.name = "server";
  s.issuer = std::move(issuer);
  s.cn = "leaf";
  s.sans = std::move(sans);
  s.key_type = KeyType::ec_p256;
  return s;
}

struct Verdicts {
  Reason core, go, node;
};

Verdicts verdicts(const std::vector<CertSpec>& specs, std::string_view name,
                  const std::vector<std::string>& presented, const std::vector<std::string>& roots) {
  CertSet set = build_cert_set(specs);
  auto run = [&](const char* profile) {
    PresentedChain chain;
    for (const auto& n : presented) {
      auto x = ossl::up_ref(set.get(n).cert.get());
      if (!chain.leaf) chain.leaf = std::move(x); else chain.rest.push_back(std::move(x));
    }
    std::vector<X509*> trusted;
    for (const auto& n : roots) trusted.push_back(set.get(n).cert.get());
    return verify_server(*find_profile(profile), chain, trusted, name).reason;
  };
  return {run("grpc-core"), run("go"), run("node")};
}

void expect_verdicts(const char* what, const Verdicts& got, const Verdicts& want) {
  EXPECT_EQ(got.core, want.core) << what << " (grpc-core)";
  EXPECT_EQ(got.go, want.go) << what << " (go)";
  EXPECT_EQ(got.node, want.node) << what << " (node)";
}

const Reason ok = Reason::ok, name_bad = Reason::hostname_mismatch;

// scenarios/name/san-trailing-dot.yaml: Go compares a pattern with a trailing dot as is (and
// refuses it as a pattern); C-core and Node strip it.
TEST(ProfileDifferential, SanWithTrailingDot) {
  expect_verdicts("SAN DNS:localhost. vs localhost",
                  verdicts({ca(), leaf({"DNS:localhost."})}, "localhost", {"server"}, {"ca"}),
                  {ok, name_bad, ok});
  // The name's own trailing dot is stripped by every stack.
  expect_verdicts("SAN DNS:localhost vs localhost.",
                  verdicts({ca(), leaf({"DNS:localhost"})}, "localhost.", {"server"}, {"ca"}),
                  {ok, ok, ok});
}

// scenarios/name/ipv4-mapped-ipv6.yaml: Go's net.IP.Equal takes ::ffff:a.b.c.d as a.b.c.d.
TEST(ProfileDifferential, Ipv4MappedIpv6) {
  expect_verdicts("name ::ffff:127.0.0.1 vs IP SAN 127.0.0.1",
                  verdicts({ca(), leaf({"IP:127.0.0.1"})}, "::ffff:127.0.0.1", {"server"}, {"ca"}),
                  {name_bad, ok, name_bad});
  expect_verdicts("name 127.0.0.1 vs IP SAN ::ffff:127.0.0.1",
                  verdicts({ca(), leaf({"IP:::ffff:127.0.0.1"})}, "127.0.0.1", {"server"}, {"ca"}),
                  {name_bad, ok, name_bad});
}

// scenarios/trust/ca-eku-client-only.yaml: Go checks the EKU of every certificate of the chain,
// the trust anchor included; OpenSSL's purpose check refuses such a CA too.
TEST(ProfileDifferential, EkuOnTheTrustAnchor) {
  CertSpec root = ca();
  root.ext_key_usage = {"clientAuth"};
  expect_verdicts("root CA with EKU clientAuth only",
                  verdicts({root, leaf({"DNS:localhost"})}, "localhost", {"server"}, {"ca"}),
                  {Reason::server_cert_invalid, Reason::server_cert_invalid, Reason::server_cert_invalid});
}

// scenarios/expiry/server-expired-unknown-ca.yaml: Go checks the leaf's dates, then the name,
// then builds the chain; OpenSSL (C-core) stops at the first error, the missing issuer; Node
// reports OpenSSL's last error, the leaf's date.
TEST(ProfileDifferential, ExpiredLeafFromAnUnknownCa) {
  CertSpec expired = leaf({"DNS:localhost"});
  expired.not_before = -48h;
  expired.not_after = -1h;
  expect_verdicts("expired leaf, trust an unrelated CA",
                  verdicts({ca(), ca("other"), expired}, "localhost", {"server"}, {"other"}),
                  {Reason::unknown_ca, Reason::server_cert_expired, Reason::server_cert_expired});
}

// scenarios/name/other-host-unknown-ca.yaml: Go checks the name before it builds the chain.
TEST(ProfileDifferential, NameBeforeChainInGo) {
  expect_verdicts("wrong name, trust an unrelated CA",
                  verdicts({ca(), ca("other"), leaf({"DNS:other.host"})}, "localhost", {"server"}, {"other"}),
                  {Reason::unknown_ca, name_bad, Reason::unknown_ca});
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// Go's VerifyHostname matches a pattern that is no valid pattern (a trailing dot) exactly, so a
// name written with the same dot matches it (campaign seed 14, d14-00166).
TEST(ProfileDifferential, GoMatchesADottedSanExactly) {
  expect_verdicts("SAN DNS:LocalHost. vs localhost.",
                  verdicts({ca(), leaf({"DNS:LocalHost."})}, "localhost.", {"server"}, {"ca"}),
                  {ok, ok, ok});
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// scenarios/trust/server-pem-leaf-with-bad-intermediate.yaml: a leaf that is itself in Go's root
// pool is the whole chain (x509.Verify: Roots.contains(leaf)); what else the server sends (here
// an intermediate not yet valid) is never looked at. OpenSSL builds through it.
TEST(ProfileDifferential, GoLeafInTheRootsIsTheChain) {
  CertSpec inter = ca("inter");
  inter.issuer = "ca";
  inter.not_before = 7 * 24h;
  inter.not_after = 80 * 24h;
  auto v = verdicts({ca(), inter, leaf({"DNS:localhost"}, "inter")}, "localhost", {"server", "inter"}, {"server"});
  EXPECT_EQ(v.go, Reason::ok);
  EXPECT_EQ(v.core, Reason::server_cert_not_yet_valid);
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// Go meets the chain one issuer at a time, from the leaf up (x509's buildChains): the child's
// signature from that issuer (SHA-1 refused), then the issuer's own dates, then its path length.
// OpenSSL checks every certificate's extensions first and the dates after (campaign seed 101,
// d101-00137 and d101-00142). scenarios/expiry/root-not-yet-valid-pathlen-exceeded.yaml,
// scenarios/expiry/root-expired-sha1-leaf.yaml.
TEST(ProfileDifferential, GoMeetsAnIssuersDatesBeforeItsPathLength) {
  CertSpec root = ca();
  root.pathlen = 0;
  root.not_before = 27 * 24h;
  root.not_after = 362 * 24h;
  CertSpec inter = ca("inter");
  inter.issuer = "ca";
  auto v = verdicts({root, inter, leaf({"DNS:localhost"}, "inter")}, "localhost", {"server", "inter"}, {"ca"});
  EXPECT_EQ(v.core, Reason::server_cert_invalid);  // PATH_LENGTH_EXCEEDED comes first
  EXPECT_EQ(v.go, Reason::server_cert_not_yet_valid);
}

TEST(ProfileDifferential, GoRefusesASha1SignatureBeforeTheIssuersDates) {
  CertSpec root = ca();
  root.not_before = -238 * 24h;
  root.not_after = -24h;
  CertSpec server = leaf({"DNS:localhost"});
  server.digest = "sha1";
  auto v = verdicts({root, server}, "localhost", {"server"}, {"ca"});
  EXPECT_EQ(v.go, Reason::server_cert_invalid);
  // An issuer's dates still count when nothing below it is refused.
  server.digest = "sha256";
  v = verdicts({root, server}, "localhost", {"server"}, {"ca"});
  EXPECT_EQ(v.go, Reason::server_cert_expired);
}

}  // namespace
}  // namespace tlsmatrix

namespace tlsmatrix {
namespace {

// Go refuses SHA-1 signatures on the chain it built, not on everything the server sent: trusting
// the second intermediate makes it the anchor, and a SHA-1-signed first intermediate sent beside
// it is never part of the chain (campaign seed 201, d201-00025: go predicted server_cert_invalid,
// the real Go client passed). scenarios/chain/sha1-intermediate-outside-the-chain.yaml.
TEST(ProfileDifferential, GoRefusesSha1OnlyOnTheBuiltChain) {
  CertSpec inter1 = ca("inter1");
  inter1.issuer = "ca";
  inter1.digest = "sha1";
  CertSpec inter2 = ca("inter2");
  inter2.issuer = "inter1";
  auto v = verdicts({ca(), inter1, inter2, leaf({"DNS:localhost"}, "inter2")}, "localhost",
                    {"server", "inter1", "inter2"}, {"inter2"});
  EXPECT_EQ(v.go, Reason::ok);
}

}  // namespace
}  // namespace tlsmatrix
