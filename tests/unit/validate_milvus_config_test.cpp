// The milvus.yaml reader: the four settings, defaults for absent keys, file:line errors for
// wrong types, and the --root path mapping.
#include "harness/validate/milvus_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/io/input_error.h"

namespace tlsmatrix::validate {
namespace {

namespace fs = std::filesystem;

// The message of the InputError `fn` throws, or "" when it throws none.
template <typename Fn>
std::string input_error(Fn fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(MilvusConfig, ReadsTheFourSettings) {
  const char* text =
      "etcd:\n  endpoints: [localhost:2379]\n"
      "tls:\n  serverPemPath: /milvus/tls/server.pem\n  serverKeyPath: /milvus/tls/server.key\n"
      "  caPemPath: /milvus/tls/ca.pem\n"
      "common:\n  security:\n    authorizationEnabled: false\n    tlsMode: 2\n";
  MilvusTlsConfig cfg = parse_milvus_config(text, "milvus.yaml");
  EXPECT_EQ(cfg.tls_mode, 2);
  EXPECT_TRUE(cfg.tls_mode_set);
  EXPECT_EQ(cfg.server_pem_path.value_or(""), "/milvus/tls/server.pem");
  EXPECT_EQ(cfg.server_key_path.value_or(""), "/milvus/tls/server.key");
  EXPECT_EQ(cfg.ca_pem_path.value_or(""), "/milvus/tls/ca.pem");
}

// Milvus's own default is plaintext: no tlsMode means mode 0.
TEST(MilvusConfig, AbsentKeysAreDefaults) {
  MilvusTlsConfig partial =
      parse_milvus_config("common:\n  security:\n    superUsers: root\ntls:\n  caPemPath:\n"
                          "  serverPemPath: ''\n",
                          "milvus.yaml");
  EXPECT_EQ(partial.tls_mode, 0);
  EXPECT_FALSE(partial.ca_pem_path) << "a null value is unset";
  EXPECT_FALSE(partial.server_pem_path) << "an empty value is unset";
}

// What Milvus's Go YAML parser refuses, so Milvus would not start, is bad input here too; and an
// empty file is a wrong path or a truncated copy, not a configuration.
TEST(MilvusConfig, RefusesWhatMilvusWouldNotStartWith) {
  struct Row {
    const char* what;
    std::string text;
    std::string message;
  } rows[] = {
      {"empty", "", "milvus.yaml: empty: no settings"},
      {"only comments", "# tls:\n#   serverPemPath: x\n", "milvus.yaml: empty: no settings"},
      {"duplicate key", "tls:\n  caPemPath: a.pem\n  caPemPath: b.pem\n",
       "milvus.yaml:3:3: duplicate key 'caPemPath'"},
      {"duplicate section", "tls:\n  caPemPath: a.pem\ncommon: {}\ntls: {}\n",
       "milvus.yaml:4:1: duplicate key 'tls'"},
      {"latin-1", "tls:\n  caPemPath: /certs/caf\xe9.pem\n",
       "milvus.yaml:2:24: not valid UTF-8 (byte 0xE9)"},
      {"alias bomb", [] {
         std::string t = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
         for (char c = 'b'; c <= 'j'; ++c) {
           std::string prev(1, static_cast<char>(c - 1));
           t += std::string(1, c) + ": &" + c + " [*" + prev;
           for (int i = 0; i < 9; ++i) t += ", *" + prev;
           t += "]\n";
         }
         return t + "tls:\n  caPemPath: ca.pem\n";
       }(), "YAML nodes once aliases are expanded (an alias bomb?)"},
      // Walking a cycle used to recurse until the stack overflowed.
      {"recursive alias", "a: &a\n  b: *a\ntls: *a\n", "an alias that contains itself?"},
      {"deep", "tls: " + std::string(100, '[') + std::string(100, ']') + "\n",
       "nested more than 64 levels deep"},
  };
  for (const auto& r : rows) {
    std::string msg = input_error([&] { parse_milvus_config(r.text, "milvus.yaml"); });
    EXPECT_NE(msg.find(r.message), std::string::npos) << r.what << ": " << msg;
  }
  // A few aliases, as a hand-written file might use, are fine.
  MilvusTlsConfig cfg = parse_milvus_config(
      "base: &p /milvus/tls\ntls:\n  caPemPath: *p\ncommon:\n  security:\n    tlsMode: 1\n",
      "milvus.yaml");
  EXPECT_EQ(cfg.ca_pem_path.value_or(""), "/milvus/tls");
  EXPECT_EQ(cfg.tls_mode, 1);
}

TEST(MilvusConfig, WrongTypesNameFileAndLine) {
  std::string msg = input_error([] {
    parse_milvus_config("tls:\n  serverPemPath:\n    nested: x\n", "conf/milvus.yaml");
  });
  EXPECT_NE(msg.find("conf/milvus.yaml:3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tls.serverPemPath must be a file path"), std::string::npos) << msg;

  msg = input_error([] {
    parse_milvus_config("common:\n  security:\n    tlsMode: two\n", "milvus.yaml");
  });
  EXPECT_NE(msg.find("milvus.yaml:3:14:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tlsMode must be an integer"), std::string::npos) << msg;

  msg = input_error([] { parse_milvus_config("tls: [a, b]\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("milvus.yaml:1:6: tls must be a map, found a list"), std::string::npos) << msg;

  msg = input_error([] { parse_milvus_config("common:\n  security: 3\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("common.security must be a map"), std::string::npos) << msg;

  msg = input_error([] { parse_milvus_config("tls:\n  serverPemPath: [\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("milvus.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not valid YAML"), std::string::npos) << msg;

  msg = input_error([] { parse_milvus_config("- just\n- a list\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("expected a map at the top level"), std::string::npos) << msg;
}

class ResolvePath : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tlsmatrix-resolve-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "tls");
    fs::create_directories(dir_ / "milvus" / "tls");
    std::ofstream(dir_ / "tls" / "server.pem") << "x";
    std::ofstream(dir_ / "milvus" / "tls" / "ca.pem") << "x";
    std::ofstream(dir_ / "rel.pem") << "x";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// The documented rule: ROOT/P first, then ROOT/P without its first folder (a Compose folder).
TEST_F(ResolvePath, RootMapsContainerPaths) {
  const fs::path yaml = dir_ / "milvus.yaml";
  EXPECT_EQ(resolve_config_path("/milvus/tls/ca.pem", "tls.caPemPath", yaml, dir_),
            dir_ / "milvus/tls/ca.pem");
  EXPECT_EQ(resolve_config_path("/milvus/tls/server.pem", "tls.serverPemPath", yaml, dir_),
            dir_ / "tls/server.pem");
  EXPECT_EQ(resolve_config_path("rel.pem", "tls.serverPemPath", yaml, std::nullopt),
            dir_ / "rel.pem");
}

TEST_F(ResolvePath, MissingFileNamesEveryCandidate) {
  const fs::path yaml = dir_ / "milvus.yaml";
  std::string msg = input_error(
      [&] { resolve_config_path("/milvus/tls/server.key", "tls.serverKeyPath", yaml, dir_); });
  EXPECT_NE(msg.find(yaml.string() + ": tls.serverKeyPath = /milvus/tls/server.key"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find((dir_ / "milvus/tls/server.key").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find((dir_ / "tls/server.key").string()), std::string::npos) << msg;

  msg = input_error(
      [&] { resolve_config_path("/milvus/tls/server.key", "tls.serverKeyPath", yaml, std::nullopt); });
  EXPECT_NE(msg.find("--root"), std::string::npos) << "a container path hints at --root: " << msg;
}

}  // namespace
}  // namespace tlsmatrix::validate
