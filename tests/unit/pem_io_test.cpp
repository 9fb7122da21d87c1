// Fake test data only: every key parsed here is generated at run time by the certificate
// factory; the "PRIVATE KEY" strings below are PEM header text, not key material.
#include "harness/certs/pem_io.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>

#include "harness/certs/cert_factory.h"
#include "harness/io/input_error.h"
#include "harness/ossl/ossl_ptr.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

using testutil::spec;

// One set for the whole file: three certificates, RSA and EC keys.
const certs::CertSet& fixture() {
  static const certs::CertSet set = certs::build_cert_set(
      {spec("ca", "", true, certs::KeyType::rsa2048), spec("server", "ca"), spec("client", "ca")});
  return set;
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// The message must start with the origin, and say what is wrong.
void expect_input_error(const std::function<void()>& fn, const std::string& message_start) {
  try {
    fn();
    ADD_FAILURE() << "no InputError; wanted one starting with: " << message_start;
  } catch (const io::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(message_start, 0), 0u) << e.what();
  }
}

TEST(PemIo, ReadsEveryCertificateInAPemBundle) {
  const certs::CertSet& set = fixture();
  // A key block between the certificates is skipped, as a combined PEM file holds both.
  std::string bundle = set.get("server").cert_pem + set.get("server").key_pem +
                       "some text between blocks\n" + set.get("ca").cert_pem +
                       set.get("client").cert_pem;
  auto certs = certs::parse_certs(bundle, "bundle.pem");
  ASSERT_EQ(certs.size(), 3u);
  EXPECT_EQ(X509_cmp(certs[0].get(), set.get("server").cert.get()), 0);
  EXPECT_EQ(X509_cmp(certs[1].get(), set.get("ca").cert.get()), 0);
  EXPECT_EQ(X509_cmp(certs[2].get(), set.get("client").cert.get()), 0);
}

TEST(PemIo, ReadsADerCertificate) {
  X509* cert = fixture().get("server").cert.get();
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  ossl::OpensslMemPtr<unsigned char> owner(der);
  ASSERT_GT(len, 0);
  std::string data(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  auto certs = certs::parse_certs(data, "server.der");
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(X509_cmp(certs[0].get(), cert), 0);
  // A DER certificate with bytes after it is not taken for one.
  expect_input_error([&] { certs::parse_certs(data + "xx", "server.der"); },
                     "server.der: no certificate found");
}

TEST(PemIo, GarbageTruncatedAndEmptyAreInputErrors) {
  auto g = spec("broken");
  g.garbage = true;
  certs::CertSet set = certs::build_cert_set({g});
  expect_input_error([&] { certs::parse_certs(set.get("broken").cert_pem, "broken.pem"); },
                     "broken.pem: certificate 1 does not parse");

  const std::string& good = fixture().get("server").cert_pem;
  // Cut in the middle of the base64: no END line.
  expect_input_error([&] { certs::parse_certs(good.substr(0, good.size() / 2), "cut.pem"); },
                     "cut.pem: malformed PEM block 1");
  // END line intact but the body is short: armour fine, DER broken.
  std::string body_cut = good.substr(0, 200) + "\n-----END CERTIFICATE-----\n";
  expect_input_error([&] { certs::parse_certs(body_cut, "short.pem"); }, "short.pem: ");
  // The second certificate is the broken one: the message says which.
  expect_input_error([&] { certs::parse_certs(good + set.get("broken").cert_pem, "two.pem"); },
                     "two.pem: certificate 2 does not parse");
  expect_input_error([&] { certs::parse_certs("", "empty.pem"); }, "empty.pem: no certificate found");
  expect_input_error([&] { certs::parse_certs("hello\n", "text.pem"); }, "text.pem: no certificate found");
  expect_input_error([&] { certs::parse_certs(fixture().get("server").key_pem, "key.pem"); },
                     "key.pem: no certificate found");
}

// Hostile sizes: counts beyond the limits are bad input, counts at the limit are not.
TEST(PemIo, RefusesMoreCertificatesThanTheLimit) {
  const std::string& one = fixture().get("server").cert_pem;
  std::string at_limit;
  for (std::size_t i = 0; i < certs::kMaxCertsPerFile; ++i) at_limit += one;
  EXPECT_EQ(certs::parse_certs(at_limit, "bundle.pem").size(), certs::kMaxCertsPerFile);
  expect_input_error([&] { certs::parse_certs(at_limit + one, "bundle.pem"); },
                     "bundle.pem: too many certificates (the limit is 1000)");
}

TEST(PemIo, RefusesACertificateWithMoreSubjectAltNamesThanTheLimit) {
  auto many = spec("many");
  for (std::size_t i = 0; i <= certs::kMaxSubjectAltNames; ++i) {
    many.sans.push_back("DNS:h" + std::to_string(i) + ".test");
  }
  auto limit = many;
  limit.name = "limit";
  limit.sans.pop_back();
  certs::CertSet set = certs::build_cert_set({many, limit});
  EXPECT_EQ(certs::parse_certs(set.get("limit").cert_pem, "limit.pem").size(), 1u);
  // The second certificate of the file is the one named.
  expect_input_error(
      [&] { certs::parse_certs(set.get("limit").cert_pem + set.get("many").cert_pem, "many.pem"); },
      "many.pem: certificate 2 has 1001 subjectAltName entries; the limit is 1000");
}

TEST(PemIo, LoadCertsNamesTheFile) {
  testutil::TempDir tmp;
  expect_input_error([&] { certs::load_certs(tmp.path() / "missing.pem"); },
                     (tmp.path() / "missing.pem").string() + ": ");
  auto path = tmp.path() / "junk.pem";
  std::ofstream(path) << "junk";
  expect_input_error([&] { certs::load_certs(path); }, path.string() + ": no certificate found");
}

TEST(PemIo, ReadsKeysInEveryUnencryptedForm) {
  const certs::CertSet& set = fixture();
  EVP_PKEY* rsa = set.get("ca").key.get();
  EVP_PKEY* ec = set.get("server").key.get();

  // PKCS#8, as the factory writes it.
  EXPECT_EQ(EVP_PKEY_eq(certs::parse_private_key(set.get("ca").key_pem, "a").get(), rsa), 1);
  for (EVP_PKEY* key : {rsa, ec}) {
    // PKCS#1 ("RSA PRIVATE KEY") and SEC1 ("EC PRIVATE KEY").
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                   nullptr),
              1);
    std::string traditional = bio_string(bio.get());
    EXPECT_EQ(traditional.find("ENCRYPTED"), std::string::npos);
    // Only the PEM header text is searched for; the key itself was generated above.
    EXPECT_NE(traditional.find(EVP_PKEY_is_a(key, "RSA") ? "BEGIN RSA PRIVATE KEY"
                                                          : "BEGIN EC PRIVATE KEY"),
              std::string::npos);
    EXPECT_EQ(EVP_PKEY_eq(certs::parse_private_key(traditional, "t").get(), key), 1);
    // DER.
    unsigned char* der = nullptr;
    int len = i2d_PrivateKey(key, &der);
    ossl::OpensslMemPtr<unsigned char> owner(der);
    ASSERT_GT(len, 0);
    std::string data(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    EXPECT_EQ(EVP_PKEY_eq(certs::parse_private_key(data, "d").get(), key), 1);
  }
  // A certificate file given as the key: there is no key in it.
  expect_input_error([&] { certs::parse_private_key(set.get("ca").cert_pem, "ca.pem"); },
                     "ca.pem: no private key found");
  expect_input_error([&] { certs::parse_private_key("", "e.key"); }, "e.key: no private key found");
  expect_input_error([&] { certs::parse_private_key("\x01\x02garbage", "g.key"); },
                     "g.key: no private key found");
}

// Encrypted keys in all three encodings are refused with one clear message, and nothing prompts
// for a passphrase (this test would hang on a terminal if it did).
TEST(PemIo, EncryptedKeysAreRefused) {
  EVP_PKEY* key = fixture().get("server").key.get();
  const std::string want = "enc.key: encrypted key: no passphrase support";
  static const char kPass[] = "secret";
  auto pass = reinterpret_cast<const unsigned char*>(kPass);

  ossl::BioPtr pkcs8(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PrivateKey(pkcs8.get(), key, EVP_aes_256_cbc(), pass, 6, nullptr,
                                     nullptr),
            1);
  std::string pem = bio_string(pkcs8.get());
  ASSERT_NE(pem.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  expect_input_error([&] { certs::parse_private_key(pem, "enc.key"); }, want);

  ossl::BioPtr legacy(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(legacy.get(), key, EVP_aes_128_cbc(), pass, 6,
                                                 nullptr, nullptr),
            1);
  std::string legacy_pem = bio_string(legacy.get());
  ASSERT_NE(legacy_pem.find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  expect_input_error([&] { certs::parse_private_key(legacy_pem, "enc.key"); }, want);

  ossl::BioPtr der(BIO_new(BIO_s_mem()));
  ASSERT_EQ(i2d_PKCS8PrivateKey_bio(der.get(), key, EVP_aes_256_cbc(),
                                    const_cast<char*>(kPass), 6, nullptr, nullptr),
            1);
  expect_input_error([&] { certs::parse_private_key(bio_string(der.get()), "enc.key"); }, want);
}

TEST(PemIo, LoadPrivateKeyReadsAFile) {
  testutil::TempDir tmp;
  auto path = tmp.path() / "server.key";
  std::ofstream(path) << fixture().get("server").key_pem;
  ossl::EvpPkeyPtr key = certs::load_private_key(path);
  EXPECT_EQ(X509_check_private_key(fixture().get("server").cert.get(), key.get()), 1);
}

}  // namespace
}  // namespace tlsmatrix
