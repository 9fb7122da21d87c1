#include "harness/scenario/scenario_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

#include "harness/certs/cert_factory.h"
#include "harness/io/input_error.h"
#include "harness/verdict/profile.h"
#include "tests/unit/support/temp_dir.h"

namespace tlsmatrix {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Every feature of the schema, with the server cert written before its issuer so that the
// topological ordering is exercised too.
constexpr const char* kFullDoc = R"(name: full-example
summary: Every field of the schema.
certs:
  server:
    issuer: inter
    key: ec-p256
    cn: localhost
    o: milvus
    ou: qa
    c: CN
    st: Shanghai
    l: Pudong
    san: [DNS:localhost, IP:127.0.0.1, "URI:spiffe://x/y"]
    not_before: -2h
    not_after: +825d
    key_usage: [digitalSignature]
    ext_key_usage: [serverAuth]
    digest: sha384
    serial: 4096
  inter:
    issuer: root
    ca: true
    pathlen: 0
    cn: Inter
  root:
    ca: true
    cn: Root
    key_usage: []
  client:
    issuer: root
    cn: client
    garbage: true
  other:
    cn: other
server:
  cert: server
  chain: [inter]
  key: other
  ca: root
client:
  server_pem_path: server
  ca_pem_path: root
  client_pem_path: client
  client_chain: [inter]
  server_name: localhost
  secure: false
expect:
  0: pass
  1: fail hostname_mismatch
  2: fail client_cert_missing
profiles:
  go:
    1: fail unknown_ca
  node:
    2: pass
)";

TEST(ScenarioLoader, FullDocumentParsesEveryField) {
  scenario::Scenario s = scenario::parse_scenario(kFullDoc, "scenarios/valid/full.yaml");
  EXPECT_EQ(s.name, "full-example");
  EXPECT_EQ(s.summary, "Every field of the schema.");
  EXPECT_EQ(s.file, "scenarios/valid/full.yaml");
  EXPECT_EQ(s.family, "valid");

  std::vector<std::string> order;
  for (const auto& c : s.certs) order.push_back(c.name);
  // Issuers first; otherwise file order.
  EXPECT_EQ(order, (std::vector<std::string>{"root", "inter", "server", "client", "other"}));

  const certs::CertSpec& server = s.certs[2];
  EXPECT_EQ(server.issuer, "inter");
  EXPECT_EQ(server.key_type, certs::KeyType::ec_p256);
  EXPECT_EQ(server.cn, "localhost");
  EXPECT_EQ(server.o, "milvus");
  EXPECT_EQ(server.ou, "qa");
  EXPECT_EQ(server.c, "CN");
  EXPECT_EQ(server.st, "Shanghai");
  EXPECT_EQ(server.l, "Pudong");
  EXPECT_EQ(server.sans,
            (std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1", "URI:spiffe://x/y"}));
  EXPECT_EQ(server.not_before, std::chrono::seconds(-7200));
  EXPECT_EQ(server.not_after, std::chrono::seconds(825 * 86400));
  ASSERT_TRUE(server.key_usage.has_value());
  EXPECT_EQ(*server.key_usage, std::vector<std::string>{"digitalSignature"});
  EXPECT_EQ(server.ext_key_usage, std::vector<std::string>{"serverAuth"});
  EXPECT_EQ(server.digest, "sha384");
  EXPECT_EQ(server.serial, std::optional<std::uint64_t>(4096));
  EXPECT_FALSE(server.ca);
  EXPECT_FALSE(server.garbage);

  const certs::CertSpec& inter = s.certs[1];
  EXPECT_TRUE(inter.ca);
  EXPECT_EQ(inter.pathlen, std::optional<int>(0));
  EXPECT_FALSE(inter.key_usage.has_value());  // role default
  EXPECT_EQ(inter.key_type, certs::KeyType::rsa2048);  // schema default

  const certs::CertSpec& root = s.certs[0];
  EXPECT_TRUE(root.issuer.empty());
  ASSERT_TRUE(root.key_usage.has_value());
  EXPECT_TRUE(root.key_usage->empty());  // [] = no extension
  EXPECT_TRUE(s.certs[3].garbage);
  EXPECT_TRUE(s.certs[4].sans.empty());

  EXPECT_EQ(s.server.cert, "server");
  EXPECT_EQ(s.server.chain, std::vector<std::string>{"inter"});
  EXPECT_EQ(s.server.key, "other");
  EXPECT_EQ(s.server.ca, std::vector<std::string>{"root"});

  EXPECT_EQ(s.client.server_pem_path, std::vector<std::string>{"server"});
  EXPECT_EQ(s.client.ca_pem_path, std::vector<std::string>{"root"});
  EXPECT_EQ(s.client.client_pem_path, "client");
  EXPECT_EQ(s.client.client_chain, std::vector<std::string>{"inter"});
  EXPECT_EQ(s.client.client_key_path, "client");  // defaults to client_pem_path
  EXPECT_EQ(s.client.server_name, "localhost");
  EXPECT_EQ(s.client.secure, std::optional<bool>(false));

  ASSERT_EQ(s.expect.size(), 3u);
  EXPECT_EQ(s.expect.at(0).verdict, (verdict::Verdict{verdict::Outcome::pass, verdict::Reason::ok}));
  EXPECT_EQ(s.expect.at(1).verdict, (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::hostname_mismatch}));
  EXPECT_EQ(s.expect.at(2).verdict, (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::client_cert_missing}));
  EXPECT_EQ(s.expect.at(2).pos.str(), "scenarios/valid/full.yaml:50:6");

  EXPECT_EQ(s.expectation(1, "go").verdict, (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::unknown_ca}));
  EXPECT_EQ(s.expectation(2, "go").verdict, (verdict::Verdict{verdict::Outcome::fail, verdict::Reason::client_cert_missing}));
  EXPECT_EQ(s.expectation(2, "node").verdict, (verdict::Verdict{verdict::Outcome::pass, verdict::Reason::ok}));
  EXPECT_EQ(s.expectation(1, "grpc-core").verdict, s.expect.at(1).verdict);
}

TEST(ScenarioLoader, DefaultsWhenOmitted) {
  scenario::Scenario s = scenario::parse_scenario(R"(name: minimal
summary: One self-signed cert.
certs:
  server: {cn: localhost}
server: {cert: server}
expect: {0: pass, 1: fail unknown_ca, 2: fail server_config_error}
)",
                              "loose.yaml");
  EXPECT_EQ(s.family, "");
  EXPECT_EQ(s.server.key, "server");  // key defaults to the cert
  EXPECT_TRUE(s.server.ca.empty());
  EXPECT_FALSE(s.client.secure.has_value());
  EXPECT_TRUE(s.client.client_key_path.empty());
  const certs::CertSpec& c = s.certs.at(0);
  EXPECT_EQ(c.key_type, certs::KeyType::rsa2048);
  EXPECT_EQ(c.digest, "sha256");
  EXPECT_FALSE(c.key_usage.has_value());
  EXPECT_TRUE(c.ext_key_usage.empty());
  EXPECT_TRUE(s.profile_expect.empty());
}

// A valid base document; each error case replaces one of its lines (1-based) with other text.
constexpr const char* kBase = R"(name: t
summary: s
certs:
  ca:
    cn: CA
    ca: true
  server:
    issuer: ca
    cn: localhost
server:
  cert: server
expect:
  0: pass
  1: pass
  2: fail client_cert_missing
)";

std::string replace_line(int line, const std::string& text) {
  std::istringstream in(kBase);
  std::string out, l;
  for (int n = 1; std::getline(in, l); ++n) out += (n == line ? text : l) + "\n";
  return out;
}

std::string append(const std::string& text) { return std::string(kBase) + text; }

struct ErrorCase {
  const char* what;
  std::string yaml;
  int line;
  const char* message;  // a part of the message that names the problem
};

const std::vector<ErrorCase>& error_cases() {
  static const std::vector<ErrorCase> cases = {
      {"yaml syntax", replace_line(5, "    cn: [CA"), 6, "YAML syntax error"},
      {"unknown top-level key", append("colour: blue\n"), 16, "unknown key 'colour'"},
      {"unknown cert key", replace_line(9, "    cnn: localhost"), 9,
       "unknown key 'cnn' in certs.server; allowed: issuer, key, cn"},
      {"unknown server key", replace_line(11, "  pem: server"), 11, "unknown key 'pem' in server"},
      {"unknown client key", append("client:\n  ca: ca\n"), 17, "unknown key 'ca' in client"},
      {"map where scalar", replace_line(9, "    cn: {a: b}"), 9,
       "certs.server.cn: expected a scalar value, found a map"},
      {"list where map", replace_line(11, "  - server"), 11,
       "server: expected a map, found a list"},
      {"mode as word", replace_line(15, "  two: pass"), 15, "mode must be 0, 1 or 2, found 'two'"},
      {"quoted mode", replace_line(15, "  \"2\": pass"), 15, "mode must be 0, 1 or 2"},
      {"mode 3", replace_line(15, "  3: pass"), 15, "mode must be 0, 1 or 2, found '3'"},
      {"unknown key type", replace_line(9, "    key: rsa9999"), 9,
       "unknown key type 'rsa9999'; allowed: rsa1024, rsa2048"},
      {"unknown digest", replace_line(9, "    digest: md5"), 9,
       "unknown digest 'md5'; allowed: sha1, sha256"},
      {"unknown eku", replace_line(9, "    ext_key_usage: [serverAuth, webAuth]"), 9,
       "unknown name 'webAuth'; allowed: serverAuth, clientAuth"},
      {"unknown key usage", replace_line(9, "    key_usage: [signing]"), 9,
       "certs.server.key_usage: unknown name 'signing'"},
      {"repeated key usage", replace_line(9, "    key_usage: [cRLSign, cRLSign]"), 9,
       "listed twice"},
      {"unknown reason", replace_line(15, "  2: fail cert_bad"), 15,
       "unknown failure reason 'cert_bad'; allowed: plaintext_to_tls"},
      {"fail ok", replace_line(15, "  2: fail ok"), 15, "unknown failure reason 'ok'"},
      {"unknown verdict", replace_line(15, "  2: maybe"), 15,
       "expected 'pass' or 'fail REASON', found 'maybe'"},
      {"pass with reason", replace_line(13, "  0: pass ok"), 13, "'pass' takes no reason"},
      {"fail without reason", replace_line(13, "  0: fail"), 13, "'fail' needs a reason: one of"},
      {"verdict as map", replace_line(13, "  0: {fail: x}"), 13,
       "expect.0: expected a scalar value, found a map"},
      {"missing mode", replace_line(14, "  # mode 1 forgotten"), 13,
       "expect: no expectation for mode 1"},
      {"unknown profile", append("profiles:\n  rust:\n    1: pass\n"), 17,
       "unknown client profile 'rust'; allowed: grpc-core, go, node"},
      // A profile no engine runs would be an expectation that is never checked.
      {"profile nothing runs", append("profiles:\n  java:\n    1: pass\n"), 17,
       "unknown client profile 'java'; allowed: grpc-core, go, node"},
      {"server override for a profile nothing runs", append("servers:\n  milvus:\n    java: {1: pass}\n"), 18,
       "servers.milvus: expected a mode (0, 1, 2) or a client profile (grpc-core, go, node), found 'java'"},
      {"profile bad mode", append("profiles:\n  go:\n    4: pass\n"), 18,
       "profiles.go: mode must be 0, 1 or 2"},
      {"empty profile", append("profiles:\n  go: {}\n"), 17, "profiles.go: empty override"},
      {"bad duration", replace_line(9, "    not_after: 825days"), 9,
       "bad duration '825days'; expected an offset from now"},
      {"inverted validity", replace_line(9, "    not_after: -2h"), 9,
       "not_after must be later than not_before"},
      // Within parse_duration's range, but past what OpenSSL can write as a certificate date.
      {"not_after past 9999", replace_line(9, "    not_after: +9000y"), 9,
       "certs.server.not_after: '+9000y' puts the date in the year 1"},
      {"not_before before 1900", replace_line(9, "    not_before: -200y"), 9,
       "certs.server.not_before: '-200y' puts the date in the year 18"},
      // OpenSSL's upper bounds count characters: 64 two-byte characters are fine (below), 65
      // ASCII ones are not.
      {"cn of 65", replace_line(9, "    cn: " + std::string(65, 'a')), 9,
       "certs.server.cn: 65 characters; X.509 allows at most 64"},
      {"o of 65", replace_line(9, "    o: " + std::string(65, 'o')), 9,
       "certs.server.o: 65 characters; X.509 allows at most 64"},
      {"ou of 65", replace_line(9, "    ou: " + std::string(65, 'u')), 9,
       "certs.server.ou: 65 characters; X.509 allows at most 64"},
      {"st of 129", replace_line(9, "    st: " + std::string(129, 's')), 9,
       "certs.server.st: 129 characters; X.509 allows at most 128"},
      {"l of 129", replace_line(9, "    l: " + std::string(129, 'l')), 9,
       "certs.server.l: 129 characters; X.509 allows at most 128"},
      {"bad san prefix", replace_line(9, "    san: [DNS:localhost, HOST:x]"), 9,
       "bad entry 'HOST:x'; expected DNS:NAME, IP:ADDRESS, URI:URI or email:ADDRESS"},
      {"bad san ip", replace_line(9, "    san: [IP:300.1.1.1]"), 9,
       "'300.1.1.1' is not an IPv4 or IPv6 address"},
      {"san not a list", replace_line(9, "    san: DNS:localhost"), 9,
       "certs.server.san: expected a list"},
      {"duplicate cert name", replace_line(7, "  ca:"), 7, "duplicate key 'ca' (first at line 4)"},
      {"duplicate yaml key", replace_line(8, "    cn: other"), 9,
       "duplicate key 'cn' (first at line 8)"},
      {"dangling issuer", replace_line(8, "    issuer: nope"), 8,
       "certs.server.issuer: no cert named 'nope'; the certs are: ca, server"},
      {"garbage issuer", replace_line(6, "    ca: true\n    garbage: true"), 9,
       "certs.server.issuer: 'ca' is a garbage certificate"},
      {"self issuer", replace_line(8, "    issuer: server"), 8, "cannot name itself as issuer"},
      {"issuer cycle", replace_line(5, "    issuer: server"), 8,
       "issuer cycle ca -> server -> ca"},
      {"dangling server cert", replace_line(11, "  cert: nope"), 11,
       "server.cert: no cert named 'nope'"},
      {"dangling server key", replace_line(11, "  cert: server\n  key: nope"), 12,
       "server.key: no cert named 'nope'"},
      {"dangling server ca", replace_line(11, "  cert: server\n  ca: nope"), 12,
       "server.ca: no cert named 'nope'"},
      {"dangling server chain", replace_line(11, "  cert: server\n  chain: [ca, nope]"), 12,
       "server.chain: no cert named 'nope'"},
      {"missing server cert", replace_line(11, "  ca: ca"), 11,
       "server: missing required key 'cert'"},
      {"dangling client ca", append("client:\n  ca_pem_path: nope\n"), 17,
       "client.ca_pem_path: no cert named 'nope'"},
      {"dangling client pem", append("client:\n  client_pem_path: nope\n"), 17,
       "client.client_pem_path: no cert named 'nope'"},
      {"dangling client key", append("client:\n  client_key_path: nope\n"), 17,
       "client.client_key_path: no cert named 'nope'"},
      {"dangling server pem", append("client:\n  server_pem_path: nope\n"), 17,
       "client.server_pem_path: no cert named 'nope'"},
      {"client chain alone", append("client:\n  client_chain: [ca]\n"), 17,
       "client.client_chain: needs client_pem_path"},
      {"secure quoted", append("client:\n  secure: \"true\"\n"), 17,
       "client.secure: expected true or false"},
      {"ca yes", replace_line(6, "    ca: yes"), 6, "certs.ca.ca: expected true or false"},
      {"serial negative", replace_line(9, "    serial: -5"), 9,
       "certs.server.serial: expected an integer"},
      {"pathlen without ca", replace_line(9, "    pathlen: 1"), 9, "pathlen: needs ca: true"},
      {"three-letter country", replace_line(9, "    c: CHN"), 9, "a country is two letters"},
      {"anchor", replace_line(5, "    cn: &n CA"), 5, "anchors and aliases"},
      // An alias can only follow its anchor, which is refused first; a lone alias is a syntax
      // error.
      {"alias without anchor", replace_line(9, "    cn: *n"), 9, "YAML syntax error"},
      {"too deep", replace_line(9, "    cn: [[[[[[[[[[x]]]]]]]]]]"), 9, "nested too deeply"},
      {"second document", append("---\nname: u\n"), 16, "a second YAML document"},
      {"empty file", "", 1, "empty file"},
      {"not a map", "- a\n- b\n", 1, "a scenario file is a map"},
      {"missing summary", replace_line(2, "# no summary"), 1,
       "missing required key 'summary'"},
      {"bad scenario name", replace_line(1, "name: ../etc"), 1, "name '../etc' must start"},
      {"bad cert name", replace_line(7, "  ser ver:"), 7, "cert name 'ser ver' must"},
      {"yaml tag", replace_line(9, "    cn: !!str localhost"), 9, "YAML tags"},
      {"too many certs", replace_line(4, [] {
         std::string certs;
         for (int i = 0; i < 100; ++i) certs += "  c" + std::to_string(i) + ":\n    cn: x\n";
         return certs + "  ca:";
       }()), 4, "certs: 102 certificates; the limit is 100"},
      {"chain too long", replace_line(11, "  cert: server\n  chain: [" + [] {
         std::string list = "ca";
         for (int i = 0; i < 100; ++i) list += ", ca";
         return list;
       }() + "]"), 12, "server.chain: 101 entries; the limit is 100"},
      {"latin-1 summary", replace_line(2, "summary: caf\xe9 au lait"), 2,
       "not valid UTF-8 (byte 0xE9)"},
      {"too many sans", replace_line(9, "    san: [" + [] {
         std::string list = "DNS:h0.test";
         for (std::size_t i = 1; i <= certs::kMaxSubjectAltNames; ++i) {
           list += ", DNS:h" + std::to_string(i) + ".test";
         }
         return list;
       }() + "]"), 9, "certs.server.san: 1001 entries; the limit is 1000"},
  };
  return cases;
}

// Each row must fail with "FILE:LINE:" of the offending line and a message naming the problem.
TEST(ScenarioLoader, ErrorsNameFileLineAndProblem) {
  for (const auto& c : error_cases()) {
    SCOPED_TRACE(std::string(c.what) + "\n" + c.yaml);
    try {
      scenario::parse_scenario(c.yaml, "bad.yaml");
      ADD_FAILURE() << "no error for: " << c.what;
    } catch (const io::InputError& e) {
      std::string msg = e.what();
      EXPECT_THAT(msg, StartsWith("bad.yaml:" + std::to_string(c.line) + ":")) << c.what;
      EXPECT_THAT(msg, HasSubstr(c.message)) << c.what;
    }
  }
}

// The names a scenario may use are the profiles the runner has, not a list of their own: every
// profile the table defines is accepted, and the refusal lists exactly those.
TEST(ScenarioLoader, ProfileKeysAreTheDefinedProfiles) {
  std::string allowed;
  for (const auto& name : verdict::client_profile_names()) {
    allowed += (allowed.empty() ? "" : ", ") + name;
    scenario::Scenario s = scenario::parse_scenario(append("profiles:\n  " + name + ":\n    1: pass\n"), "ok.yaml");
    EXPECT_EQ(s.profile_expect.count(name), 1u) << name;
  }
  try {
    scenario::parse_scenario(append("profiles:\n  java:\n    1: pass\n"), "bad.yaml");
    FAIL() << "accepted a profile that no engine runs";
  } catch (const io::InputError& e) {
    EXPECT_THAT(e.what(), ::testing::EndsWith("allowed: " + allowed)) << e.what();
  }
}

TEST(ScenarioLoader, DigestForEd25519SignerIsAnError) {
  // The ca (line 6) signs with ed25519; the server's digest (line 11) cannot apply.
  std::string yaml = replace_line(6, "    ca: true\n    key: ed25519");
  yaml.replace(yaml.find("    cn: localhost"), 17, "    cn: localhost\n    digest: sha256");
  try {
    scenario::parse_scenario(yaml, "bad.yaml");
    FAIL() << "accepted a digest for an ed25519 signer";
  } catch (const io::InputError& e) {
    EXPECT_THAT(e.what(), StartsWith("bad.yaml:11:"));
    EXPECT_THAT(e.what(), HasSubstr("the signer 'ca' has an ed25519 key"));
  }
}

// The limits above are OpenSSL's own: a file at every limit loads and its certificates build,
// and the same certificate one step beyond a limit is refused by the factory (which would
// otherwise be the first to notice, with no file or line).
TEST(ScenarioLoader, SubjectAndValidityLimitsAreOpenSslLimits) {
  std::string two_byte;
  for (int i = 0; i < 64; ++i) two_byte += "\xc3\xa9";  // 64 x U+00E9: 128 bytes, 64 characters
  std::string yaml = replace_line(9, "    key: ec-p256\n    cn: " + two_byte + "\n    o: " +
                                         std::string(64, 'o') + "\n    ou: " +
                                         std::string(64, 'u') + "\n    st: " +
                                         std::string(128, 's') + "\n    l: " +
                                         std::string(128, 'l') +
                                         "\n    not_before: -100y\n    not_after: +7000y");
  scenario::Scenario s = scenario::parse_scenario(yaml, "limits.yaml");
  ASSERT_EQ(s.certs.at(1).name, "server");
  certs::CertSpec server = s.certs.at(1);
  EXPECT_EQ(server.cn, two_byte);
  EXPECT_EQ(server.not_after, std::chrono::seconds(std::int64_t{7000} * 365 * 86400));
  EXPECT_NO_THROW(certs::build_cert_set(s.certs));

  server.issuer.clear();  // built alone, self-signed
  EXPECT_NO_THROW(certs::build_cert_set({server}));  // so each refusal below has one cause
  auto refused = [](certs::CertSpec spec, auto change) {
    change(spec);
    EXPECT_ANY_THROW(certs::build_cert_set({spec}));
  };
  refused(server, [](certs::CertSpec& c) { c.cn += "a"; });
  refused(server, [](certs::CertSpec& c) { c.o += "o"; });
  refused(server, [](certs::CertSpec& c) { c.ou += "u"; });
  refused(server, [](certs::CertSpec& c) { c.st += "s"; });
  refused(server, [](certs::CertSpec& c) { c.l += "l"; });
  refused(server, [](certs::CertSpec& c) { c.not_after = std::chrono::seconds(std::int64_t{9000} * 365 * 86400); });
  refused(server, [](certs::CertSpec& c) { c.not_before = std::chrono::seconds(std::int64_t{-200} * 365 * 86400); });
}

TEST(ScenarioLoader, BaseDocumentIsValid) {
  // The error table above relies on the base being valid: each row then fails for one reason.
  scenario::Scenario s = scenario::parse_scenario(kBase, "base.yaml");
  EXPECT_EQ(s.certs.size(), 2u);
}

TEST(ParseDuration, AcceptsSignedOffsetsWithUnits) {
  using std::chrono::seconds;
  EXPECT_EQ(scenario::parse_duration("0"), seconds(0));
  EXPECT_EQ(scenario::parse_duration("+825d"), seconds(825 * 86400));
  EXPECT_EQ(scenario::parse_duration("-1h"), seconds(-3600));
  EXPECT_EQ(scenario::parse_duration("30m"), seconds(1800));
  EXPECT_EQ(scenario::parse_duration("45s"), seconds(45));
  EXPECT_EQ(scenario::parse_duration("-2y"), seconds(-2 * 365 * 86400));
  for (const char* bad : {"", "+", "h", "1", "1.5h", "1w", "--1h", " 1h", "1h ", "+-1h",
                          "99999999999999999999y", "10001y"}) {
    EXPECT_FALSE(scenario::parse_duration(bad).has_value()) << "'" << bad << "'";
  }
}

std::string named(const std::string& name) {
  std::string doc = kBase;
  return "name: " + name + doc.substr(doc.find('\n'));
}

TEST(LoadScenarios, FoldersAreRecursiveSortedAndSetTheFamily) {
  testutil::TempDir dir;
  dir.write("trust/b.yaml", named("b"));
  dir.write("expiry/z.yml", named("z"));
  dir.write("expiry/a.yaml", named("a"));
  dir.write("expiry/notes.txt", "not a scenario");
  dir.write(".hidden/x.yaml", "broken: [");
  auto all = scenario::load_scenarios({dir.path()});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "a");
  EXPECT_EQ(all[0].family, "expiry");
  EXPECT_EQ(all[1].name, "z");
  EXPECT_EQ(all[2].name, "b");
  EXPECT_EQ(all[2].family, "trust");
  // A file named twice (directly and through its folder) loads once.
  EXPECT_EQ(scenario::load_scenarios({dir.path() / "trust/b.yaml", dir.path()}).size(), 3u);
}

TEST(LoadScenarios, DuplicateNamesAcrossFilesNameBothFiles) {
  testutil::TempDir dir;
  dir.write("one/x.yaml", named("same"));
  dir.write("two/y.yaml", named("same"));
  try {
    scenario::load_scenarios({dir.path()});
    FAIL() << "duplicate names accepted";
  } catch (const io::InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("two/y.yaml: scenario name 'same' is already used by"));
    EXPECT_THAT(e.what(), HasSubstr("one/x.yaml"));
  }
}

TEST(LoadScenarios, NothingFoundNamesThePath) {
  testutil::TempDir dir;
  dir.write("README.md", "# nothing here");
  try {
    scenario::load_scenarios({dir.path()});
    FAIL() << "an empty folder was accepted";
  } catch (const io::InputError& e) {
    EXPECT_THAT(e.what(), StartsWith(dir.path().string() + ": no scenario files"));
  }
  EXPECT_THROW(scenario::load_scenarios({dir.path() / "missing"}), io::InputError);
}

// A folder of scenarios may hold things that only look like scenario files: `run scenarios/`
// must neither hang on a FIFO (it is skipped, as any non-regular file) nor throw a raw
// <filesystem> error on a symlink loop (it is named).
TEST(LoadScenarios, AFifoIsSkippedAndASymlinkLoopNamed) {
  testutil::TempDir dir;
  dir.write("a.yaml", named("a"));
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.yaml").c_str(), 0600), 0);
  EXPECT_EQ(scenario::load_scenarios({dir.path()}).size(), 1u);

  fs::path loop = dir.path() / "loop.yaml";
  fs::create_symlink("loop.yaml", loop);
  try {
    scenario::load_scenarios({dir.path()});
    ADD_FAILURE() << "accepted a folder with a symlink loop";
  } catch (const io::InputError& e) {
    EXPECT_THAT(e.what(), StartsWith(loop.string() + ": cannot read: "));
  }
}

TEST(LoadScenarios, ErrorInOneFileNamesThatFile) {
  testutil::TempDir dir;
  dir.write("ok.yaml", named("ok"));
  dir.write("sub/bad.yaml", replace_line(9, "    kee: rsa2048"));
  try {
    scenario::load_scenarios({dir.path()});
    FAIL() << "bad file accepted";
  } catch (const io::InputError& e) {
    EXPECT_THAT(e.what(), StartsWith((dir.path() / "sub/bad.yaml").string() + ":9:5: "));
  }
}

// The shipped catalogue loads cleanly and covers every family the README promises.
TEST(Catalogue, LoadsAndCoversEveryFamily) {
  auto all = scenario::load_scenarios({fs::path(TLSMATRIX_SOURCE_DIR) / "scenarios"});
  EXPECT_GE(all.size(), 32u);
  std::set<std::string> families;
  for (const auto& s : all) {
    families.insert(s.family);
    EXPECT_EQ(s.expect.size(), 3u) << s.name;
    EXPECT_FALSE(s.summary.empty()) << s.name;
  }
  for (const char* f :
       {"valid", "name", "trust", "expiry", "mode2", "broken", "milvus", "pymilvus", "portability"}) {
    EXPECT_TRUE(families.count(f)) << "no scenario in family " << f;
  }
  int rsa4096 = 0;
  for (const auto& s : all) {
    for (const auto& c : s.certs) rsa4096 += c.key_type == certs::KeyType::rsa4096;
  }
  EXPECT_LE(rsa4096, 1) << "rsa4096 keys are slow to generate; the catalogue allows one";
}

// client.dial: three loopback forms, 127.0.0.1 by default; anything else is refused at its line.
TEST(ScenarioLoader, DialAddress) {
  auto doc = [](const std::string& client) {
    return "name: d\nsummary: s\ncerts:\n  server:\n    cn: localhost\nserver:\n  cert: server\nclient:\n" +
           client + "expect: {0: pass, 1: pass, 2: pass}\n";
  };
  EXPECT_EQ(scenario::parse_scenario(doc("  secure: false\n"), "d.yaml").client.dial, "127.0.0.1");
  EXPECT_EQ(scenario::parse_scenario(doc("  dial: localhost\n"), "d.yaml").client.dial, "localhost");
  EXPECT_EQ(scenario::parse_scenario(doc("  dial: \"[::1]\"\n"), "d.yaml").client.dial, "[::1]");
  struct Bad {
    const char* value;
    const char* message;
  };
  for (const Bad& b : {Bad{"::1", "(an IPv6 address is written in brackets: \"[::1]\")"},
                       Bad{"10.0.0.1", "client.dial: '10.0.0.1' is not a loopback address the harness can listen on"},
                       Bad{"[localhost]", "one of: 127.0.0.1, localhost, \"[::1]\""}}) {
    SCOPED_TRACE(b.value);
    try {
      scenario::parse_scenario(doc("  secure: false\n  dial: \"" + std::string(b.value) + "\"\n"), "d.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const io::InputError& e) {
      EXPECT_THAT(e.what(), StartsWith("d.yaml:10:"));
      EXPECT_THAT(e.what(), HasSubstr(b.message));
    }
  }
}

// tls_min / tls_max on either side: 1.2 or 1.3, the floor not above the ceiling.
TEST(ScenarioLoader, TlsVersions) {
  auto doc = [](const std::string& server, const std::string& client) {
    return "name: v\nsummary: s\ncerts:\n  server:\n    cn: localhost\nserver:\n  cert: server\n" + server +
           "client:\n  secure: false\n" + client + "expect: {0: pass, 1: pass, 2: pass}\n";
  };
  scenario::Scenario s = scenario::parse_scenario(doc("  tls_max: \"1.2\"\n", "  tls_min: 1.3\n"), "v.yaml");
  EXPECT_EQ(s.server.tls_max, "1.2");
  EXPECT_EQ(s.server.tls_min, "");
  EXPECT_EQ(s.client.tls_min, "1.3");
  struct Bad {
    std::string server, client;
    int line;
    const char* message;
  };
  for (const Bad& b : {Bad{"  tls_min: \"1.1\"\n", "", 8, "server.tls_min: '1.1' is not a TLS version the stacks offer; one of: 1.2, 1.3"},
                       Bad{"", "  tls_max: \"1.0\"\n", 10, "client.tls_max: '1.0' is not a TLS version"},
                       Bad{"", "  tls_min: \"1.3\"\n  tls_max: \"1.2\"\n", 10,
                           "client.tls_min: 1.3 is above client.tls_max 1.2: no version is left to offer"}}) {
    SCOPED_TRACE(b.message);
    try {
      scenario::parse_scenario(doc(b.server, b.client), "v.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const io::InputError& e) {
      EXPECT_THAT(e.what(), StartsWith("v.yaml:" + std::to_string(b.line) + ":"));
      EXPECT_THAT(e.what(), HasSubstr(b.message));
    }
  }
}

}  // namespace
}  // namespace tlsmatrix
