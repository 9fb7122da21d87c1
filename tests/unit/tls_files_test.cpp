// identity_error: an identity is refused where gRPC's own loading (or its first handshake) would
// refuse it, with the file named, so an endpoint that cannot work is a configuration error and
// not a mysterious failed handshake.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "harness/certs/cert_factory.h"
#include "harness/endpoints/own_cert_level.h"
#include "harness/endpoints/tls_files.h"
#include "harness/ossl/mem_bio.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

using testutil::spec;

struct Chain {
  certs::CertSet set;
  std::string pem;  // leaf, then intermediate
  std::string key;
};

// root (SHA-256) -> inter (signed with `inter_digest`, key `inter_key`) -> leaf (SHA-256).
Chain chain_with_intermediate(const std::string& inter_digest, certs::KeyType inter_key = certs::KeyType::rsa2048) {
  certs::CertSpec root = spec("root", "", true, certs::KeyType::rsa2048);
  certs::CertSpec inter = spec("inter", "root", true, inter_key);
  inter.digest = inter_digest;
  certs::CertSpec leaf = spec("leaf", "inter", false, certs::KeyType::rsa2048);
  Chain c{certs::build_cert_set({root, inter, leaf}), "", ""};
  c.pem = c.set.get("leaf").cert_pem + c.set.get("inter").cert_pem;
  c.key = c.set.get("leaf").key_pem;
  return c;
}

TEST(IdentityError, AcceptsAChainOfSha256Certificates) {
  Chain c = chain_with_intermediate("sha256");
  EXPECT_EQ(endpoints::identity_error(c.pem, c.key, "server.pem", "server.key"), "");
}

// OpenSSL sends the chain only if every certificate in it passes the security level (at the
// handshake, ssl_security_cert_chain): a SHA-1 signature on the intermediate is refused there
// although the leaf itself loads.
TEST(IdentityError, RefusesASha1SignedIntermediateItWouldNotSend) {
  Chain c = chain_with_intermediate("sha1");
  std::string err = endpoints::identity_error(c.pem, c.key, "server.pem", "server.key");
  EXPECT_NE(err.find("server.pem"), std::string::npos) << err;
  EXPECT_NE(err.find("CN=inter"), std::string::npos) << err;
  EXPECT_NE(err.find("ca md too weak"), std::string::npos) << err;
}

// A client whose server does not ask for a certificate never sends its chain, and C-core checks
// the chain only when it sends it.
TEST(IdentityError, AChainThatIsNotSentIsNotChecked) {
  Chain c = chain_with_intermediate("sha1");
  EXPECT_EQ(endpoints::identity_error(c.pem, c.key, "client.pem", "client.key", -1, /*chain_is_sent=*/false), "");
}

TEST(IdentityError, RefusesAnRsa1024Intermediate) {
  Chain c = chain_with_intermediate("sha256", certs::KeyType::rsa1024);
  std::string err = endpoints::identity_error(c.pem, c.key, "server.pem", "server.key");
  EXPECT_NE(err.find("ca key too small"), std::string::npos) << err;
}

// A self-signed root sent along is not checked for its digest (its signature is never verified),
// as OpenSSL does not check it either.
TEST(IdentityError, ASha1SelfSignedRootInTheChainIsNotItsDigest) {
  certs::CertSpec root = spec("root", "", true, certs::KeyType::rsa2048);
  root.digest = "sha1";
  certs::CertSpec leaf = spec("leaf", "root", false, certs::KeyType::rsa2048);
  certs::CertSet set = certs::build_cert_set({root, leaf});
  EXPECT_EQ(endpoints::identity_error(set.get("leaf").cert_pem + set.get("root").cert_pem, set.get("leaf").key_pem,
                           "server.pem", "server.key"),
            "");
}

// A context loads a marked chain at the marked level, an unmarked one at its own (Debian: 2).
TEST(OwnCertLevel, AMarkedChainLoadsAtItsLevelAndNothingElseChanges) {
  Chain c = chain_with_intermediate("sha1");
  certs::CertSpec weak = spec("weak", "inter", false, certs::KeyType::rsa1024);
  certs::CertSet more = certs::build_cert_set({spec("root", "", true, certs::KeyType::rsa2048), spec("inter", "root", true), weak});
  std::string weak_chain = more.get("weak").cert_pem;
  std::string weak_key = more.get("weak").key_pem;

  EXPECT_NE(endpoints::identity_error(c.pem, c.key, "client.pem", "client.key"), "");
  EXPECT_NE(endpoints::identity_error(weak_chain, weak_key, "client.pem", "client.key"), "");
  EXPECT_EQ(endpoints::identity_error(endpoints::with_own_cert_level(c.pem, 0), c.key, "client.pem", "client.key"), "");
  EXPECT_EQ(endpoints::identity_error(endpoints::with_own_cert_level(weak_chain, 0), weak_key, "client.pem", "client.key"), "");
  EXPECT_EQ(endpoints::identity_error(endpoints::with_own_cert_level(weak_chain, 1), weak_key, "client.pem", "client.key"), "");
  EXPECT_NE(endpoints::identity_error(endpoints::with_own_cert_level(c.pem, 1), c.key, "client.pem", "client.key"), "");
  // The same certificates unmarked, after the hook is in place: still refused.
  EXPECT_NE(endpoints::identity_error(c.pem, c.key, "client.pem", "client.key"), "");
  EXPECT_NE(endpoints::identity_error(weak_chain, weak_key, "client.pem", "client.key"), "");

  // The certificates are the same ones, in the same order; only the leaf's PEM type differs.
  auto read_all = [](const std::string& pem) {
    std::vector<ossl::X509Ptr> out;
    ossl::BioPtr bio = ossl::mem_bio(pem);
    while (X509* x = PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
    ERR_clear_error();
    return out;
  };
  auto marked = read_all(endpoints::with_own_cert_level(c.pem, 0));
  auto plain = read_all(c.pem);
  EXPECT_EQ(plain.size(), 2u);
  ASSERT_EQ(marked.size(), plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(X509_cmp(marked[i].get(), plain[i].get()), 0);
  EXPECT_EQ(endpoints::with_own_cert_level("not a certificate", 0), "not a certificate");
}

}  // namespace
}  // namespace tlsmatrix
