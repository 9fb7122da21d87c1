// The run's notes say, in plain words, where Milvus's Go proxy would judge differently
// (`servers: milvus` in the scenario), and stay silent where it would not.
#include "harness/runner/server_stack_notes.h"

#include <gtest/gtest.h>

#include "harness/certs/cert_factory.h"
#include "harness/scenario/scenario_loader.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

constexpr const char* kDoc = R"(name: weak-server
summary: An RSA-1024 server key.
certs:
  ca: {ca: true, cn: CA}
  server: {issuer: ca, cn: localhost, san: [DNS:localhost], key: rsa1024}
server: {cert: server, ca: ca}
client: {ca_pem_path: ca, client_pem_path: server, server_name: localhost}
expect: {0: pass, 1: fail server_config_error, 2: fail server_config_error}
servers:
  milvus:
    1: fail server_cert_invalid
    go: {1: pass}
)";

TEST(MilvusServerNotes, OneLinePerDifferingModeWithBothVerdicts) {
  std::vector<Scenario> s{parse_scenario(kDoc, "x.yaml")};
  auto notes = milvus_server_notes(s, {0, 1, 2}, {"grpc-core", "go", "node"});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "weak-server, mode 1: Milvus's Go proxy gives fail server_cert_invalid to grpc-core and node, pass to "
            "go; the harness's server: fail server_config_error");
}

TEST(MilvusServerNotes, SilentWithoutServersOrForOtherProfiles) {
  std::vector<Scenario> s{parse_scenario(kDoc, "x.yaml")};
  EXPECT_TRUE(milvus_server_notes(s, {0, 2}, {"grpc-core", "go"}).empty());
  std::string plain = std::string(kDoc).substr(0, std::string(kDoc).find("servers:"));
  std::vector<Scenario> p{parse_scenario(plain, "y.yaml")};
  EXPECT_TRUE(milvus_server_notes(p, {0, 1, 2}, {"grpc-core", "go", "node"}).empty());
}

// The same difference in two modes is one note.
TEST(MilvusServerNotes, SameDifferenceInSeveralModesIsSaidOnce) {
  std::string doc = kDoc;
  doc.replace(doc.find("    1: fail server_cert_invalid\n    go: {1: pass}"),
              std::string("    1: fail server_cert_invalid\n    go: {1: pass}").size(),
              "    1: fail server_cert_invalid\n    2: fail server_cert_invalid");
  std::vector<Scenario> s{parse_scenario(doc, "x.yaml")};
  auto notes = milvus_server_notes(s, {0, 1, 2}, {"grpc-core"});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].rfind("weak-server, modes 1 and 2: Milvus's Go proxy gives fail server_cert_invalid to "
                           "grpc-core; ", 0),
            0u)
      << notes[0];
}

using testutil::spec;

std::vector<X509*> certs_of(const CertSet& set, std::initializer_list<const char*> names) {
  std::vector<X509*> out;
  for (const char* n : names) out.push_back(set.get(n).cert.get());
  return out;
}

// What in the files brings each caveat into play, read from real certificates.
TEST(ServerCaveats, FileTraitsFromCertificates) {
  std::vector<CertSpec> specs{spec("ca", "", true), spec("other", "", true), spec("server", "ca"),
                              spec("client", "ca"), spec("stranger", "other")};
  specs.push_back(spec("weak", "ca", false, KeyType::rsa1024));
  specs.push_back(spec("sha1", "ca"));
  specs.back().digest = "sha1";
  specs.push_back(spec("sha1root", "", true));
  specs.back().digest = "sha1";
  specs.push_back(spec("signer", "ca"));
  specs.back().key_usage = std::vector<std::string>{"keyCertSign"};
  CertSet set = build_cert_set(specs);

  FileTraits sound = file_traits(certs_of(set, {"server"}), certs_of(set, {"ca"}), certs_of(set, {"client"}));
  EXPECT_FALSE(sound.weak_server_cert || sound.client_cert_outside_ca_names || sound.client_key_weak ||
               sound.client_key_usage_without_signature);
  EXPECT_TRUE(file_traits(certs_of(set, {"weak"}), {}, {}).weak_server_cert);
  EXPECT_TRUE(file_traits(certs_of(set, {"server", "sha1"}), {}, {}).weak_server_cert);
  // A self-signed certificate's own SHA-1 signature is not checked.
  EXPECT_FALSE(file_traits(certs_of(set, {"server", "sha1root"}), {}, {}).weak_server_cert);
  EXPECT_TRUE(file_traits({}, certs_of(set, {"ca"}), certs_of(set, {"stranger"})).client_cert_outside_ca_names);
  EXPECT_FALSE(file_traits({}, {}, certs_of(set, {"stranger"})).client_cert_outside_ca_names)
      << "no caPemPath, no CA names";
  EXPECT_TRUE(file_traits({}, {}, certs_of(set, {"weak"})).client_key_weak);
  EXPECT_TRUE(file_traits({}, {}, certs_of(set, {"signer"})).client_key_usage_without_signature);
  // The PEM form reads the same, and garbage brings nothing into play.
  EXPECT_TRUE(file_traits_pem(set.get("weak").cert_pem, "", "").weak_server_cert);
  EXPECT_FALSE(file_traits_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "", "")
                   .weak_server_cert);
}

TEST(ServerCaveats, OnlyWhatTheModeProfileAndFilesMeet) {
  using C = ServerCaveat;
  FileTraits none;
  for (int mode : {0, 1, 2}) {
    for (const char* p : {"grpc-core", "go", "node"}) EXPECT_TRUE(caveats_for(mode, p, none).empty()) << mode << p;
  }
  FileTraits weak_server{.weak_server_cert = true};
  EXPECT_TRUE(caveats_for(0, "grpc-core", weak_server).empty()) << "mode 0 loads no certificate";
  EXPECT_EQ(caveats_for(1, "go", weak_server), std::vector<C>{C::weak_server_cert});

  FileTraits outside{.client_cert_outside_ca_names = true};
  EXPECT_EQ(caveats_for(2, "go", outside), std::vector<C>{C::no_ca_names});
  EXPECT_TRUE(caveats_for(2, "node", outside).empty()) << "only crypto/tls withholds";
  EXPECT_TRUE(caveats_for(1, "go", outside).empty()) << "no client certificate in mode 1";

  FileTraits weak_client{.client_key_weak = true};
  EXPECT_EQ(caveats_for(2, "node", weak_client), std::vector<C>{C::client_cert_checks});
  EXPECT_TRUE(caveats_for(2, "grpc-core", weak_client).empty()) << "C-core will not load it either";
  FileTraits signer{.client_key_usage_without_signature = true};
  EXPECT_EQ(caveats_for(2, "grpc-core", signer), std::vector<C>{C::client_cert_checks});

  // serve: any client may come in mode 2.
  EXPECT_TRUE(serve_caveat_notes(0, none).empty());
  EXPECT_TRUE(serve_caveat_notes(1, none).empty());
  auto notes = serve_caveat_notes(2, none);
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_NE(notes[0].find("TLS 1.2"), std::string::npos) << notes[0];
  // validate: the profiles checked decide.
  EXPECT_TRUE(deployment_caveat_notes(2, {"grpc-core", "node"}, outside).empty());
  EXPECT_EQ(deployment_caveat_notes(2, {"grpc-core", "go"}, outside),
            std::vector<std::string>{caveat_text(C::no_ca_names)});
}

}  // namespace
}  // namespace tlsmatrix
