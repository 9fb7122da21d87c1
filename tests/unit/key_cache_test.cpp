// run's key cache: keys written 0600 in a 0700 folder, read back as the same key, and a file
// that is damaged, of another type, or readable by others is never used (regenerated instead).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/certs/key_pool.h"
#include "harness/certs/pem_io.h"

namespace tlsmatrix {
namespace {

namespace fs = std::filesystem;
using certs::KeyPool;
using certs::KeyType;

class KeyCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tlsmatrix-keycache-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path keys() const { return dir_ / "keys"; }
  static int mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  }
  fs::path dir_;
};

TEST_F(KeyCache, WritesPrivateFilesAndReadsTheSameKeyBack) {
  KeyPool first;
  first.use_disk_cache(keys());
  ossl::EvpPkeyPtr a = first.get(KeyType::ec_p256, 0);
  const fs::path file = keys() / "ec-p256-0.key";
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(mode_of(keys()), 0700);
  EXPECT_EQ(mode_of(file), 0600);
  KeyPool second;
  second.use_disk_cache(keys());
  ossl::EvpPkeyPtr b = second.get(KeyType::ec_p256, 0);
  EXPECT_EQ(EVP_PKEY_eq(a.get(), b.get()), 1);
  // Without the cache, a fresh key.
  KeyPool fresh;
  EXPECT_NE(EVP_PKEY_eq(a.get(), fresh.get(KeyType::ec_p256, 0).get()), 1);
}

TEST_F(KeyCache, ADamagedFileIsRegeneratedNotUsed) {
  KeyPool first;
  first.use_disk_cache(keys());
  ossl::EvpPkeyPtr a = first.get(KeyType::rsa1024, 0);
  const fs::path file = keys() / "rsa1024-0.key";
  std::string text;
  {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Flip one base64 character in the middle of the key material: it may still parse.
  std::size_t mid = text.size() / 2;
  text[mid] = text[mid] == 'A' ? 'B' : 'A';
  {
    std::ofstream out(file, std::ios::trunc);
    out << text;
  }
  KeyPool second;
  second.use_disk_cache(keys());
  ossl::EvpPkeyPtr b = second.get(KeyType::rsa1024, 0);
  ASSERT_TRUE(b);
  EXPECT_NE(EVP_PKEY_eq(a.get(), b.get()), 1);
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, b.get(), nullptr));
  EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1);
  // The file now holds the new, good key.
  KeyPool third;
  third.use_disk_cache(keys());
  EXPECT_EQ(EVP_PKEY_eq(b.get(), third.get(KeyType::rsa1024, 0).get()), 1);
}

TEST_F(KeyCache, AKeyOfAnotherTypeOrAnOpenFileIsNotUsed) {
  KeyPool first;
  first.use_disk_cache(keys());
  ossl::EvpPkeyPtr ec = first.get(KeyType::ec_p256, 0);
  // An EC P-256 key where an EC P-384 key belongs.
  fs::copy_file(keys() / "ec-p256-0.key", keys() / "ec-p384-0.key");
  fs::permissions(keys() / "ec-p384-0.key", fs::perms(0600));
  KeyPool second;
  second.use_disk_cache(keys());
  ossl::EvpPkeyPtr p384 = second.get(KeyType::ec_p384, 0);
  EXPECT_EQ(EVP_PKEY_get_bits(p384.get()), 384);
  // A file others may read or write is not trusted.
  fs::permissions(keys() / "ec-p256-0.key", fs::perms(0666));
  KeyPool third;
  third.use_disk_cache(keys());
  EXPECT_NE(EVP_PKEY_eq(ec.get(), third.get(KeyType::ec_p256, 0).get()), 1);
  EXPECT_EQ(mode_of(keys() / "ec-p256-0.key"), 0600);
}

}  // namespace
}  // namespace tlsmatrix
