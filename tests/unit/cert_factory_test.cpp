#include "harness/certs/cert_factory.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "harness/certs/milvus_layout.h"
#include "harness/certs/pem_io.h"
#include "harness/io/input_error.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/cert_builders.h"

namespace tlsmatrix {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using testutil::spec;
using testutil::verify_chain;

constexpr auto kDay = std::chrono::duration_cast<std::chrono::seconds>(hours(24));

std::vector<std::string> san_entries(const X509* cert) {
  std::vector<std::string> out;
  ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names.get(), i);
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(gen, &type));
    std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                      static_cast<std::size_t>(ASN1_STRING_length(value)));
    if (type == GEN_DNS) out.push_back("DNS:" + bytes);
    if (type == GEN_URI) out.push_back("URI:" + bytes);
    if (type == GEN_IPADD) out.push_back("IP(" + std::to_string(bytes.size()) + " bytes)");
  }
  return out;
}

std::string cn_of(const X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

// Validity is set relative to `now`; OpenSSL's own clock comparison is the judge.
TEST(CertFactory, ValidityWindowsAreWhatTheSpecSays) {
  auto valid = spec("valid");
  auto expired = spec("expired");
  expired.not_before = -2 * kDay;
  expired.not_after = -1 * kDay;
  auto future = spec("future");
  future.not_before = 1 * kDay;
  future.not_after = 2 * kDay;
  certs::CertSet set = certs::build_cert_set({valid, expired, future});

  X509* v = set.get("valid").cert.get();
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(v)), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(v)), 0);
  X509* e = set.get("expired").cert.get();
  EXPECT_LT(X509_cmp_current_time(X509_get0_notAfter(e)), 0) << "expired cert is still valid";
  X509* f = set.get("future").cert.get();
  EXPECT_GT(X509_cmp_current_time(X509_get0_notBefore(f)), 0) << "future cert is already valid";
  // And a verifier agrees.
  EXPECT_EQ(verify_chain(e, e), X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(verify_chain(f, f), X509_V_ERR_CERT_NOT_YET_VALID);
  EXPECT_EQ(verify_chain(v, v), X509_V_OK);
}

TEST(CertFactory, SanEntriesAreExactlyTheSpecs) {
  auto s = spec("server");
  s.sans = {"DNS:localhost", "DNS:*.example.com", "IP:127.0.0.1", "IP:::1", "URI:spiffe://td/x"};
  certs::CertSet set = certs::build_cert_set({s});
  X509* cert = set.get("server").cert.get();
  EXPECT_EQ(san_entries(cert),
            (std::vector<std::string>{"DNS:localhost", "DNS:*.example.com", "IP(4 bytes)",
                                      "IP(16 bytes)", "URI:spiffe://td/x"}));
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "a.example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "other.test", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.2", 0), 0);
}

// The Milvus 2.3/2.4 guide's certificates: the name only in the CN, no SAN extension at all.
TEST(CertFactory, CnOnlyLeafHasNoSanExtension) {
  auto s = spec("server");
  s.cn = "localhost";
  certs::CertSet set = certs::build_cert_set({s});
  X509* cert = set.get("server").cert.get();
  EXPECT_EQ(X509_get_ext_by_NID(cert, NID_subject_alt_name, -1), -1);
  EXPECT_EQ(cn_of(cert), "localhost");
}

TEST(CertFactory, BadSanIsRejected) {
  auto s = spec("server");
  s.sans = {"IP:not-an-ip"};
  EXPECT_THROW(certs::build_cert_set({s}), std::invalid_argument);
  s.sans = {"EMAIL:a@b"};
  EXPECT_THROW(certs::build_cert_set({s}), std::invalid_argument);
}

TEST(CertFactory, SubjectFields) {
  auto s = spec("server");
  s.o = "Org";
  s.ou = "Unit";
  s.c = "DE";
  s.st = "Berlin";
  s.l = "Mitte";
  certs::CertSet set = certs::build_cert_set({s});
  const X509_NAME* name = X509_get_subject_name(set.get("server").cert.get());
  auto field = [&](int nid) {
    char buf[64] = {};
    X509_NAME_get_text_by_NID(const_cast<X509_NAME*>(name), nid, buf, sizeof buf);
    return std::string(buf);
  };
  EXPECT_EQ(field(NID_organizationName), "Org");
  EXPECT_EQ(field(NID_organizationalUnitName), "Unit");
  EXPECT_EQ(field(NID_countryName), "DE");
  EXPECT_EQ(field(NID_stateOrProvinceName), "Berlin");
  EXPECT_EQ(field(NID_localityName), "Mitte");
  EXPECT_EQ(field(NID_commonName), "server");
}

// root -> intermediate -> leaf: verifies with the intermediate supplied, not without it.
TEST(CertFactory, ChainVerifiesOnlyWithIntermediate) {
  auto leaf = spec("leaf", "inter");
  leaf.sans = {"DNS:localhost"};
  // Listed leaf first on purpose: the factory orders issuers itself.
  certs::CertSet set = certs::build_cert_set({leaf, spec("inter", "root", true), spec("root", "", true)});
  EXPECT_EQ(set.names(), (std::vector<std::string>{"root", "inter", "leaf"}));
  X509* root = set.get("root").cert.get();
  X509* inter = set.get("inter").cert.get();
  X509* l = set.get("leaf").cert.get();
  EXPECT_EQ(verify_chain(l, root, {inter}), X509_V_OK);
  EXPECT_EQ(verify_chain(l, root), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  // Key identifiers link each certificate to its issuer.
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(l), X509_get0_subject_key_id(inter)),
            0);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(inter),
                                  X509_get0_subject_key_id(root)),
            0);
  EXPECT_EQ(X509_check_issued(inter, l), X509_V_OK);
}

TEST(CertFactory, PathlenZeroForbidsAnIntermediate) {
  auto root = spec("root", "", true);
  root.pathlen = 0;
  certs::CertSet set = certs::build_cert_set({root, spec("inter", "root", true), spec("leaf", "inter")});
  EXPECT_EQ(X509_get_pathlen(set.get("root").cert.get()), 0);
  EXPECT_EQ(X509_get_pathlen(set.get("inter").cert.get()), -1);  // unlimited
  EXPECT_EQ(verify_chain(set.get("leaf").cert.get(), set.get("root").cert.get(),
                         {set.get("inter").cert.get()}),
            X509_V_ERR_PATH_LENGTH_EXCEEDED);
}

TEST(CertFactory, NonCaIssuerIsRejectedByVerifiers) {
  certs::CertSet set = certs::build_cert_set({spec("notca", "", false), spec("leaf", "notca")});
  X509* notca = set.get("notca").cert.get();
  EXPECT_EQ(X509_check_ca(notca), 0);
  ossl::BasicConstraintsPtr bc(static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(notca, NID_basic_constraints, nullptr, nullptr)));
  ASSERT_NE(bc, nullptr) << "CA:FALSE must be explicit";
  EXPECT_EQ(bc->ca, 0);
  EXPECT_EQ(X509_get_extension_flags(notca) & EXFLAG_CRITICAL, 0u);  // nothing unknown
  int idx = X509_get_ext_by_NID(notca, NID_basic_constraints, -1);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(notca, idx)), 1);
  int err = verify_chain(set.get("leaf").cert.get(), notca);
  EXPECT_NE(err, X509_V_OK);
}

TEST(CertFactory, KeyUsageDefaultsAndOverrides) {
  auto none = spec("none");
  none.key_usage = std::vector<std::string>{};
  auto custom = spec("custom");
  custom.key_usage = std::vector<std::string>{"digitalSignature"};
  certs::CertSet set =
      certs::build_cert_set({spec("ca", "", true), spec("leaf", "ca"), none, custom});
  EXPECT_EQ(X509_get_key_usage(set.get("ca").cert.get()), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
  EXPECT_EQ(X509_get_key_usage(set.get("leaf").cert.get()),
            KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
  EXPECT_EQ(X509_get_ext_by_NID(set.get("none").cert.get(), NID_key_usage, -1), -1);
  EXPECT_EQ(X509_get_key_usage(set.get("custom").cert.get()), KU_DIGITAL_SIGNATURE);
}

TEST(CertFactory, ExtendedKeyUsage) {
  auto server = spec("server");
  server.ext_key_usage = {"serverAuth"};
  auto client = spec("client");
  client.ext_key_usage = {"clientAuth"};
  auto both = spec("both");
  both.ext_key_usage = {"serverAuth", "clientAuth"};
  certs::CertSet set = certs::build_cert_set({server, client, both, spec("plain")});
  EXPECT_EQ(X509_get_extended_key_usage(set.get("server").cert.get()), XKU_SSL_SERVER);
  EXPECT_EQ(X509_get_extended_key_usage(set.get("client").cert.get()), XKU_SSL_CLIENT);
  EXPECT_EQ(X509_get_extended_key_usage(set.get("both").cert.get()),
            XKU_SSL_SERVER | XKU_SSL_CLIENT);
  EXPECT_EQ(X509_get_ext_by_NID(set.get("plain").cert.get(), NID_ext_key_usage, -1), -1);
  // The verifier's purpose check sees it too.
  EXPECT_EQ(X509_check_purpose(set.get("client").cert.get(), X509_PURPOSE_SSL_SERVER, 0), 0);
  EXPECT_EQ(X509_check_purpose(set.get("server").cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
}

TEST(CertFactory, Digest) {
  auto sha1 = spec("sha1", "", false, certs::KeyType::rsa2048);
  sha1.digest = "sha1";
  auto sha384 = spec("sha384", "", false, certs::KeyType::ec_p256);
  sha384.digest = "sha384";
  auto sha512 = spec("sha512", "", false, certs::KeyType::rsa2048);
  sha512.digest = "sha512";
  certs::CertSet set = certs::build_cert_set({sha1, sha384, sha512, spec("default")});
  EXPECT_EQ(X509_get_signature_nid(set.get("sha1").cert.get()), NID_sha1WithRSAEncryption);
  EXPECT_EQ(X509_get_signature_nid(set.get("sha384").cert.get()), NID_ecdsa_with_SHA384);
  EXPECT_EQ(X509_get_signature_nid(set.get("sha512").cert.get()), NID_sha512WithRSAEncryption);
  EXPECT_EQ(X509_get_signature_nid(set.get("default").cert.get()), NID_ecdsa_with_SHA256);
  auto bad = spec("bad");
  bad.digest = "md5";
  EXPECT_THROW(certs::build_cert_set({bad}), std::invalid_argument);
}

TEST(CertFactory, SerialExplicitAndRandom) {
  auto fixed = spec("fixed");
  fixed.serial = 4242;
  certs::CertSet set = certs::build_cert_set({fixed, spec("r1"), spec("r2")});
  std::uint64_t v = 0;
  ASSERT_EQ(ASN1_INTEGER_get_uint64(&v, X509_get0_serialNumber(set.get("fixed").cert.get())), 1);
  EXPECT_EQ(v, 4242u);
  const ASN1_INTEGER* r1 = X509_get0_serialNumber(set.get("r1").cert.get());
  const ASN1_INTEGER* r2 = X509_get0_serialNumber(set.get("r2").cert.get());
  EXPECT_NE(ASN1_INTEGER_cmp(r1, r2), 0);
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(r1, nullptr));
  EXPECT_FALSE(BN_is_negative(bn.get()));
  EXPECT_FALSE(BN_is_zero(bn.get()));
}

// Each key type: a self-signed CA of that type (it signs itself) issuing an EC leaf (it signs
// others). One key per type keeps RSA-4096 to a single generation.
class EveryKeyType : public ::testing::TestWithParam<certs::KeyType> {};

TEST_P(EveryKeyType, SignsVerifiesAndMatches) {
  certs::KeyType type = GetParam();
  certs::CertSet set = certs::build_cert_set({spec("ca", "", true, type), spec("leaf", "ca")});
  for (const char* name : {"ca", "leaf"}) {
    const certs::GeneratedCert& gc = set.get(name);
    EXPECT_EQ(X509_check_private_key(gc.cert.get(), gc.key.get()), 1) << name;
  }
  X509* ca = set.get("ca").cert.get();
  EXPECT_EQ(verify_chain(ca, ca), X509_V_OK);
  EXPECT_EQ(verify_chain(set.get("leaf").cert.get(), ca), X509_V_OK);
  EVP_PKEY* key = set.get("ca").key.get();
  switch (type) {
    case certs::KeyType::rsa1024: EXPECT_EQ(EVP_PKEY_get_bits(key), 1024); break;
    case certs::KeyType::rsa2048: EXPECT_EQ(EVP_PKEY_get_bits(key), 2048); break;
    case certs::KeyType::rsa3072: EXPECT_EQ(EVP_PKEY_get_bits(key), 3072); break;
    case certs::KeyType::rsa4096: EXPECT_EQ(EVP_PKEY_get_bits(key), 4096); break;
    case certs::KeyType::ec_p256:
      EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
      EXPECT_EQ(EVP_PKEY_get_bits(key), 256);
      break;
    case certs::KeyType::ec_p384:
      EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
      EXPECT_EQ(EVP_PKEY_get_bits(key), 384);
      break;
    case certs::KeyType::ed25519:
      EXPECT_EQ(EVP_PKEY_get_id(key), EVP_PKEY_ED25519);
      EXPECT_EQ(X509_get_signature_nid(ca), NID_ED25519);
      break;
    case certs::KeyType::rsa_pss:
      EXPECT_EQ(EVP_PKEY_get_id(key), EVP_PKEY_RSA_PSS);
      EXPECT_EQ(X509_get_signature_nid(ca), NID_rsassaPss);
      break;
    case certs::KeyType::ec_p521:
      EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
      EXPECT_EQ(EVP_PKEY_get_bits(key), 521);
      break;
  }
  if (type != certs::KeyType::ed25519) {
    EXPECT_NE(EVP_PKEY_get_id(key), EVP_PKEY_ED25519);
  }
  // The key in the PEM is the key of the certificate.
  ossl::EvpPkeyPtr reread = certs::parse_private_key(set.get("ca").key_pem, "ca.key");
  EXPECT_EQ(X509_check_private_key(ca, reread.get()), 1);
  // A different key does not match.
  EXPECT_EQ(X509_check_private_key(ca, set.get("leaf").key.get()), 0);
  ossl::drain_errors();
}

INSTANTIATE_TEST_SUITE_P(CertFactory, EveryKeyType,
                         ::testing::Values(certs::KeyType::rsa1024, certs::KeyType::rsa2048, certs::KeyType::rsa3072,
                                           certs::KeyType::rsa4096, certs::KeyType::ec_p256, certs::KeyType::ec_p384,
                                           certs::KeyType::ed25519, certs::KeyType::rsa_pss, certs::KeyType::ec_p521),
                         [](const auto& info) {
                           std::string n(to_string(info.param));
                           for (char& c : n) if (c == '-') c = '_';
                           return n;
                         });

TEST(KeyTypeNames, RoundTrip) {
  EXPECT_EQ(certs::key_type_names().size(), 9u);
  for (auto name : certs::key_type_names()) {
    auto t = certs::parse_key_type(name);
    ASSERT_TRUE(t.has_value()) << name;
    EXPECT_EQ(to_string(*t), name);
  }
  EXPECT_FALSE(certs::parse_key_type("rsa").has_value());
  EXPECT_FALSE(certs::parse_key_type("ec_p256").has_value());
}

TEST(CertFactory, GarbageCertDoesNotParse) {
  auto g = spec("broken");
  g.garbage = true;
  certs::CertSet set = certs::build_cert_set({g});
  const certs::GeneratedCert& gc = set.get("broken");
  EXPECT_EQ(gc.cert, nullptr);
  EXPECT_NE(gc.key, nullptr);
  EXPECT_EQ(gc.cert_pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_NE(gc.cert_pem.find("-----END CERTIFICATE-----"), std::string::npos);
  ossl::BioPtr bio(BIO_new_mem_buf(gc.cert_pem.data(), static_cast<int>(gc.cert_pem.size())));
  ossl::X509Ptr parsed(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_EQ(parsed, nullptr);
  ossl::drain_errors();
  EXPECT_THROW(certs::parse_certs(gc.cert_pem, "broken.pem"), io::InputError);
  // The bytes follow from the name, so OpenSSL's error for them (which reaches the report) is
  // the same in every run; another name gives other bytes.
  EXPECT_EQ(certs::build_cert_set({g}).get("broken").cert_pem, gc.cert_pem);
  auto other = spec("other");
  other.garbage = true;
  EXPECT_NE(certs::build_cert_set({other}).get("other").cert_pem, gc.cert_pem);
  // A garbage certificate cannot issue anything.
  EXPECT_THROW(certs::build_cert_set({g, spec("leaf", "broken")}), std::invalid_argument);
}

TEST(CertFactory, InvalidSetsThrow) {
  EXPECT_THROW(certs::build_cert_set({spec("leaf", "missing")}), std::invalid_argument);
  EXPECT_THROW(certs::build_cert_set({spec("a"), spec("a")}), std::invalid_argument);
  EXPECT_THROW(certs::build_cert_set({spec("a", "b", true), spec("b", "a", true)}), std::invalid_argument);
  certs::CertSet set = certs::build_cert_set({spec("a")});
  EXPECT_THROW(set.get("nope"), std::out_of_range);
}

TEST(CertFactory, WritesFilesWithModes) {
  testutil::TempDir tmp;
  auto g = spec("broken");
  g.garbage = true;
  certs::CertSet set = certs::build_cert_set({spec("ca", "", true), spec("server", "ca"), g});
  auto dir = tmp.path() / "sub";
  certs::write_cert_set(set, dir);
  for (const auto& name : set.names()) {
    struct stat pem {}, key {};
    ASSERT_EQ(::stat((dir / (name + ".pem")).c_str(), &pem), 0) << name;
    ASSERT_EQ(::stat((dir / (name + ".key")).c_str(), &key), 0) << name;
    EXPECT_EQ(pem.st_mode & 0777, 0644u) << name;
    EXPECT_EQ(key.st_mode & 0777, 0600u) << name;
  }
  auto certs = certs::load_certs(dir / "server.pem");
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(X509_cmp(certs[0].get(), set.get("server").cert.get()), 0);
  ossl::EvpPkeyPtr key = certs::load_private_key(dir / "server.key");
  EXPECT_EQ(X509_check_private_key(certs[0].get(), key.get()), 1);
  EXPECT_THROW(certs::load_certs(dir / "broken.pem"), io::InputError);
  // Nothing else was left behind (no temporary files).
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 6);
}

// The folder holding keys is private whatever the umask, and missing parents are not
// writable by others.
TEST(CertFactory, KeyFolderIsPrivateUnderAnyUmask) {
  testutil::TempDir tmp;
  certs::CertSet set = certs::build_cert_set({spec("ca", "", true), spec("server", "ca")});
  const mode_t old_umask = ::umask(0);
  const fs::path dir = tmp.path() / "a" / "tls";
  certs::write_cert_set(set, dir);
  ::umask(old_umask);
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms(0700));
  EXPECT_EQ(fs::status(tmp.path() / "a").permissions() &
                (fs::perms::group_write | fs::perms::others_write),
            fs::perms::none);
  EXPECT_EQ(fs::status(dir / "server.key").permissions() & fs::perms::all, fs::perms(0600));
}

// A set that cannot be written whole leaves the folder as it was: here a folder named server.key
// is in the way, so nothing of the set may appear (before: ca.pem, ca.key and server.pem did).
TEST(CertFactory, ASetIsWrittenWholeOrNotAtAll) {
  testutil::TempDir tmp;
  certs::CertSet set = certs::build_cert_set({spec("ca", "", true), spec("server", "ca")});
  const fs::path dir = tmp.path() / "tls";
  fs::create_directories(dir / "server.key");
  { std::ofstream(dir / "server.key" / "x") << "x"; }
  { std::ofstream(dir / "ca.pem") << "old ca"; }
  EXPECT_THROW(certs::write_cert_set(set, dir), std::runtime_error);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"ca.pem", "server.key"}));
  std::ifstream in(dir / "ca.pem");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "old ca");
}

TEST(KeyPool, SameSlotSameKeyDistinctSlotsDistinctKeys) {
  certs::KeyPool pool;
  auto a0 = pool.get(certs::KeyType::ec_p256, 0);
  auto a0again = pool.get(certs::KeyType::ec_p256, 0);
  auto a1 = pool.get(certs::KeyType::ec_p256, 1);
  auto b0 = pool.get(certs::KeyType::ec_p384, 0);
  EXPECT_EQ(a0.get(), a0again.get());
  EXPECT_EQ(EVP_PKEY_eq(a0.get(), a0again.get()), 1);
  EXPECT_NE(EVP_PKEY_eq(a0.get(), a1.get()), 1);
  EXPECT_NE(EVP_PKEY_eq(a0.get(), b0.get()), 1);
  // Handed-out references outlive the pool's own.
  EXPECT_GE(EVP_PKEY_get_bits(a1.get()), 256);
}

// warm() fills slots on worker threads; later get() calls hand out exactly those keys, and
// threads racing for one slot all end up with the same key.
TEST(KeyPool, WarmAndConcurrentGetAgree) {
  certs::KeyPool pool;
  pool.warm({{certs::KeyType::ec_p256, 0}, {certs::KeyType::ec_p256, 1}, {certs::KeyType::ed25519, 0},
             {certs::KeyType::ec_p256, 0}});
  auto a = pool.get(certs::KeyType::ec_p256, 0);
  auto b = pool.get(certs::KeyType::ec_p256, 1);
  EXPECT_NE(EVP_PKEY_eq(a.get(), b.get()), 1);
  pool.warm({{certs::KeyType::ec_p256, 0}});  // already there: must not replace it
  EXPECT_EQ(pool.get(certs::KeyType::ec_p256, 0).get(), a.get());

  std::vector<ossl::EvpPkeyPtr> got(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = pool.get(certs::KeyType::ec_p384, 7); });
  }
  for (auto& t : threads) t.join();
  for (const auto& k : got) EXPECT_EQ(k.get(), got[0].get());
}

TEST(KeyPool, SlotsCountPerKeyTypeInSpecOrder) {
  auto slots = certs::pool_slots({spec("a", "", false, certs::KeyType::rsa2048), spec("b"),
                           spec("c", "", false, certs::KeyType::rsa2048), spec("d")});
  EXPECT_EQ(slots, (std::vector<std::pair<certs::KeyType, int>>{{certs::KeyType::rsa2048, 0},
                                                         {certs::KeyType::ec_p256, 0},
                                                         {certs::KeyType::rsa2048, 1},
                                                         {certs::KeyType::ec_p256, 1}}));
}

// Keys are distinct within a set and shared by the same position across sets.
TEST(KeyPool, SetsShareKeysByPosition) {
  certs::KeyPool pool;
  std::vector<certs::CertSpec> specs = {spec("ca", "", true), spec("server", "ca"), spec("client", "ca")};
  certs::CertSet one = certs::build_cert_set(specs, pool);
  certs::CertSet two = certs::build_cert_set(specs, pool);
  std::set<EVP_PKEY*> keys;
  for (const auto& name : one.names()) keys.insert(one.get(name).key.get());
  EXPECT_EQ(keys.size(), 3u);
  for (const auto& name : one.names()) {
    EXPECT_EQ(one.get(name).key.get(), two.get(name).key.get()) << name;
    // Same key, but each set still gets its own certificates.
    EXPECT_NE(X509_cmp(one.get(name).cert.get(), two.get(name).cert.get()), 0) << name;
  }
}

TEST(MilvusLayout, GenSetHasTheRightRoles) {
  certs::MilvusLayoutOptions opt;
  opt.key_type = certs::KeyType::ec_p256;
  certs::CertSet set = certs::build_cert_set(certs::milvus_layout(opt));
  EXPECT_EQ(set.names(), (std::vector<std::string>{"ca", "server", "client"}));
  X509* ca = set.get("ca").cert.get();
  X509* server = set.get("server").cert.get();
  X509* client = set.get("client").cert.get();
  EXPECT_EQ(X509_check_ca(ca), 1);
  EXPECT_EQ(X509_get_extended_key_usage(server), XKU_SSL_SERVER);
  EXPECT_EQ(X509_get_extended_key_usage(client), XKU_SSL_CLIENT);
  EXPECT_EQ(san_entries(server), (std::vector<std::string>{"DNS:localhost", "IP(4 bytes)"}));
  EXPECT_EQ(verify_chain(server, ca), X509_V_OK);
  EXPECT_EQ(verify_chain(client, ca), X509_V_OK);
  EXPECT_EQ(certs::normalize_san("10.1.2.3"), "IP:10.1.2.3");
  EXPECT_EQ(certs::normalize_san("::1"), "IP:::1");
  EXPECT_EQ(certs::normalize_san("db.local"), "DNS:db.local");
  EXPECT_EQ(certs::normalize_san("URI:spiffe://a"), "URI:spiffe://a");
}

}  // namespace
}  // namespace tlsmatrix
