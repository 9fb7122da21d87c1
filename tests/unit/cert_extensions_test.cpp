// The wider certificate model (issue 15): shared keys, extension criticality and forms, name
// constraints, raw extensions, key identifiers, serial forms, email SANs, several CNs, RSA-PSS and
// P-521 keys. Each is read back with OpenSSL's API, and the text forms with `openssl x509 -text`
// (an independent reader: the product never shells out, a test may).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "harness/certs/cert_factory.h"
#include "tests/unit/support/cert_builders.h"
#include "tests/unit/support/temp_dir.h"

namespace tlsmatrix {
namespace {

using testutil::spec;

bool same_key(const certs::GeneratedCert& a, const certs::GeneratedCert& b) {
  return EVP_PKEY_eq(X509_get0_pubkey(a.cert.get()), X509_get0_pubkey(b.cert.get())) == 1;
}

// `openssl x509 -noout -text` of the certificate's PEM.
std::string x509_text(const certs::GeneratedCert& gc) {
  testutil::TempDir dir;
  std::string path = (dir.path() / "c.pem").string();
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return "(cannot write)";
  std::fwrite(gc.cert_pem.data(), 1, gc.cert_pem.size(), f);
  std::fclose(f);
  std::string cmd = "openssl x509 -noout -text -in " + path + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
  std::string out;
  std::array<char, 4096> buf{};
  while (p && std::fgets(buf.data(), buf.size(), p.get()) != nullptr) out += buf.data();
  return out;
}

int ext_critical(const X509* x, int nid) {
  int loc = X509_get_ext_by_NID(x, nid, -1);
  if (loc < 0) return -1;  // absent
  return X509_EXTENSION_get_critical(X509_get_ext(x, loc));
}

TEST(CertKeyOf, RenewedLeafAndReissuedCaShareTheKey) {
  auto ca = spec("ca", "", true);
  auto ca2 = spec("ca2", "", true);
  ca2.key_of = "ca";  // re-issued CA: same subject and key
  ca2.cn = ca.cn;
  auto leaf = spec("leaf", "ca");
  auto renewed = spec("renewed", "ca2");
  renewed.key_of = "leaf";
  auto other = spec("other", "ca");
  certs::CertSet set = certs::build_cert_set({ca, ca2, leaf, renewed, other});
  EXPECT_TRUE(same_key(set.get("ca"), set.get("ca2")));
  EXPECT_TRUE(same_key(set.get("leaf"), set.get("renewed")));
  EXPECT_FALSE(same_key(set.get("leaf"), set.get("other")));
  EXPECT_EQ(set.get("leaf").key_pem, set.get("renewed").key_pem);
  // The renewed leaf, signed by the re-issued CA, verifies against the original CA: same name,
  // same key.
  EXPECT_EQ(testutil::verify_chain(set.get("renewed").cert.get(), set.get("ca").cert.get()),
            X509_V_OK);
}

TEST(CertKeyOf, TakesNoSlotSoOtherKeysStay) {
  auto a = spec("a");
  auto b = spec("b");
  auto before = certs::pool_slots({a, b});
  auto shared = spec("shared");
  shared.key_of = "b";
  auto after = certs::pool_slots({a, shared, b});
  EXPECT_EQ(before[0], after[0]);
  EXPECT_EQ(before[1], after[2]);
  EXPECT_EQ(after[1], after[2]);
}

TEST(CertKeyOf, DanglingOrLoopingIsRefused) {
  auto a = spec("a");
  a.key_of = "nobody";
  EXPECT_THROW(certs::pool_slots({a}), std::invalid_argument);
  auto x = spec("x");
  auto y = spec("y");
  x.key_of = "y";
  y.key_of = "x";
  EXPECT_THROW(certs::pool_slots({x, y}), std::invalid_argument);
}

TEST(CertExtensions, CriticalityIsAChoice) {
  auto s = spec("s");
  s.basic_constraints_critical = false;
  s.key_usage_critical = false;
  s.ext_key_usage = {"serverAuth"};
  s.ext_key_usage_critical = true;
  s.sans = {"DNS:localhost"};
  s.san_critical = true;
  certs::CertSet set = certs::build_cert_set({s});
  const X509* x = set.get("s").cert.get();
  EXPECT_EQ(ext_critical(x, NID_basic_constraints), 0);
  EXPECT_EQ(ext_critical(x, NID_key_usage), 0);
  EXPECT_EQ(ext_critical(x, NID_ext_key_usage), 1);
  EXPECT_EQ(ext_critical(x, NID_subject_alt_name), 1);
  std::string text = x509_text(set.get("s"));
  EXPECT_NE(text.find("X509v3 Extended Key Usage: critical"), std::string::npos) << text;
  EXPECT_NE(text.find("X509v3 Subject Alternative Name: critical"), std::string::npos) << text;
}

TEST(CertExtensions, DefaultsAreTodays) {
  certs::CertSet set = certs::build_cert_set({spec("s", "", true)});
  const X509* x = set.get("s").cert.get();
  EXPECT_EQ(ext_critical(x, NID_basic_constraints), 1);
  EXPECT_EQ(ext_critical(x, NID_key_usage), 1);
  EXPECT_EQ(ext_critical(x, NID_ext_key_usage), -1);
  EXPECT_EQ(ext_critical(x, NID_subject_key_identifier), 0);
  EXPECT_EQ(ext_critical(x, NID_authority_key_identifier), 0);
  EXPECT_EQ(ext_critical(x, NID_name_constraints), -1);
}

TEST(CertExtensions, BasicConstraintsAbsent) {
  auto s = spec("s");
  s.basic_constraints = false;
  certs::CertSet set = certs::build_cert_set({s});
  EXPECT_EQ(ext_critical(set.get("s").cert.get(), NID_basic_constraints), -1);
  auto bad = spec("bad", "", true);
  bad.basic_constraints = false;
  EXPECT_THROW(certs::build_cert_set({bad}), std::invalid_argument);
}

TEST(CertExtensions, EkuOnACaWithAnyAndRawOids) {
  auto ca = spec("ca", "", true);
  ca.ext_key_usage = {"serverAuth", "anyExtendedKeyUsage", "1.3.6.1.4.1.55555.7"};
  certs::CertSet set = certs::build_cert_set({ca});
  const X509* x = set.get("ca").cert.get();
  ossl::ExtKeyUsagePtr eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr)));
  ASSERT_TRUE(eku);
  ASSERT_EQ(sk_ASN1_OBJECT_num(eku.get()), 3);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 0)), NID_server_auth);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 1)), NID_anyExtendedKeyUsage);
  char oid[64] = {};
  OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku.get(), 2), 1);
  EXPECT_STREQ(oid, "1.3.6.1.4.1.55555.7");
  std::string text = x509_text(set.get("ca"));
  EXPECT_NE(text.find("Any Extended Key Usage"), std::string::npos) << text;
}

TEST(CertExtensions, NameConstraintsDnsAndIp) {
  auto ca = spec("ca", "", true);
  ca.name_constraints = certs::NameConstraints{{"DNS:example.com", "IP:10.0.0.0/8"},
                                        {"DNS:bad.example.com", "IP:fd00::/8"}, true};
  certs::CertSet set = certs::build_cert_set({ca});
  EXPECT_EQ(ext_critical(set.get("ca").cert.get(), NID_name_constraints), 1);
  std::string text = x509_text(set.get("ca"));
  EXPECT_NE(text.find("X509v3 Name Constraints: critical"), std::string::npos) << text;
  EXPECT_NE(text.find("DNS:example.com"), std::string::npos) << text;
  EXPECT_NE(text.find("IP:10.0.0.0/255.0.0.0"), std::string::npos) << text;
  EXPECT_NE(text.find("DNS:bad.example.com"), std::string::npos) << text;
  EXPECT_NE(text.find("IP:FD00:0:0:0:0:0:0:0/FF00:0:0:0:0:0:0:0"), std::string::npos) << text;
  auto bad = spec("bad", "", true);
  bad.name_constraints = certs::NameConstraints{{"IP:10.0.0.0/33"}, {}, true};
  EXPECT_THROW(certs::build_cert_set({bad}), std::invalid_argument);
}

TEST(CertExtensions, UnknownExtensionByOid) {
  auto s = spec("s");
  s.extra_extensions = {{"1.3.6.1.4.1.55555.1", true}, {"1.3.6.1.4.1.55555.2", false}};
  certs::CertSet set = certs::build_cert_set({s});
  std::string text = x509_text(set.get("s"));
  EXPECT_NE(text.find("1.3.6.1.4.1.55555.1: critical"), std::string::npos) << text;
  EXPECT_NE(text.find("1.3.6.1.4.1.55555.2: \n"), std::string::npos) << text;
  // OpenSSL's verifier refuses the unknown critical one.
  EXPECT_EQ(testutil::verify_chain(set.get("s").cert.get(), set.get("s").cert.get()),
            X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION);
}

TEST(CertExtensions, KeyIdentifiersAbsentOrMismatched) {
  auto ca = spec("ca", "", true);
  auto absent = spec("absent", "ca");
  absent.subject_key_id = certs::KeyIdForm::absent;
  absent.authority_key_id = certs::KeyIdForm::absent;
  auto wrong = spec("wrong", "ca");
  wrong.authority_key_id = certs::KeyIdForm::mismatched;
  certs::CertSet set = certs::build_cert_set({ca, absent, wrong});
  const X509* a = set.get("absent").cert.get();
  EXPECT_EQ(ext_critical(a, NID_subject_key_identifier), -1);
  EXPECT_EQ(ext_critical(a, NID_authority_key_identifier), -1);
  const X509* w = set.get("wrong").cert.get();
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(const_cast<X509*>(w));
  const ASN1_OCTET_STRING* ca_ski = X509_get0_subject_key_id(set.get("ca").cert.get());
  ASSERT_TRUE(aki && ca_ski);
  EXPECT_NE(ASN1_OCTET_STRING_cmp(aki, ca_ski), 0);
  EXPECT_EQ(ASN1_STRING_length(aki), ASN1_STRING_length(ca_ski));
  // OpenSSL does not find the issuer through a wrong AKI.
  EXPECT_NE(testutil::verify_chain(const_cast<X509*>(w), set.get("ca").cert.get()), X509_V_OK);
}

TEST(CertExtensions, SerialZeroAndLong) {
  auto zero = spec("zero");
  zero.serial = 0;
  auto big = spec("big");
  big.serial_bytes = std::vector<unsigned char>(21, 0x7F);
  certs::CertSet set = certs::build_cert_set({zero, big});
  EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(set.get("zero").cert.get())), 0);
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(set.get("big").cert.get()), nullptr));
  EXPECT_EQ(BN_num_bytes(bn.get()), 21);
  std::string text = x509_text(set.get("zero"));
  EXPECT_NE(text.find("Serial Number: 0 (0x0)"), std::string::npos) << text;
}

TEST(CertExtensions, EmailSanAndTwoCns) {
  auto s = spec("s");
  s.cn = "first";
  s.more_cns = {"second"};
  s.sans = {"email:ops@example.com", "URI:spiffe://x/y"};
  certs::CertSet set = certs::build_cert_set({s});
  std::string text = x509_text(set.get("s"));
  EXPECT_NE(text.find("CN = first, CN = second"), std::string::npos) << text;
  EXPECT_NE(text.find("email:ops@example.com"), std::string::npos) << text;
  EXPECT_NE(text.find("URI:spiffe://x/y"), std::string::npos) << text;
}

TEST(CertKeys, RsaPssAndP521) {
  auto ca = spec("ca", "", true, certs::KeyType::rsa_pss);
  auto leaf = spec("leaf", "ca", false, certs::KeyType::ec_p521);
  certs::CertSet set = certs::build_cert_set({ca, leaf});
  EXPECT_EQ(EVP_PKEY_get_id(set.get("ca").key.get()), EVP_PKEY_RSA_PSS);
  EXPECT_EQ(EVP_PKEY_get_bits(set.get("leaf").key.get()), 521);
  EXPECT_EQ(X509_get_signature_nid(set.get("leaf").cert.get()), NID_rsassaPss);
  EXPECT_EQ(testutil::verify_chain(set.get("leaf").cert.get(), set.get("ca").cert.get()),
            X509_V_OK);
  EXPECT_EQ(certs::parse_key_type("rsa-pss"), certs::KeyType::rsa_pss);
  EXPECT_EQ(certs::parse_key_type("ec-p521"), certs::KeyType::ec_p521);
}

}  // namespace
}  // namespace tlsmatrix
