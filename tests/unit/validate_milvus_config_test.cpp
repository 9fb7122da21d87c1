// The milvus.yaml reader: the four settings, defaults for absent keys, file:line errors for
// wrong types, and the --root path mapping.
#include "harness/validate/milvus_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/io/input_error.h"
#include "tests/unit/support/input_errors.h"
#include "tests/unit/support/temp_dir.h"

namespace tlsmatrix::validate {
namespace {

namespace fs = std::filesystem;

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

// Milvus finds a setting ignoring case, '.' and '_' in keys (pkg/config formatKey): these files
// run tlsMode 2 and serve TLS. Read strictly, they used to be tlsMode 0 here.
TEST(MilvusConfig, KeysMatchAsMilvusMatchesThem) {
  for (const char* text : {"common:\n  security:\n    TLSMode: 2\n",
                           "common:\n  security:\n    tls_mode: 2\n",
                           "Common:\n  Security:\n    tlsMode: 2\n",
                           "common:\n  security.tlsMode: 2\n",
                           "common.security.tlsMode: 2\n"}) {
    MilvusTlsConfig cfg = parse_milvus_config(text, "milvus.yaml");
    EXPECT_EQ(cfg.tls_mode, 2) << text;
    EXPECT_TRUE(cfg.tls_mode_set) << text;
    EXPECT_TRUE(cfg.lookalikes.empty()) << text;
  }
  MilvusTlsConfig cfg = parse_milvus_config("TLS:\n  serverpempath: s.pem\n", "milvus.yaml");
  EXPECT_EQ(cfg.server_pem_path.value_or(""), "s.pem");
  // Two spellings of one setting: Milvus takes either, so neither can be judged.
  std::string msg = testutil::message_of([] {
    parse_milvus_config("common:\n  security:\n    tlsMode: 2\n    tlsmode: 0\n", "milvus.yaml");
  });
  EXPECT_NE(msg.find("milvus.yaml:4:5: common.security.tlsmode and common.security.tlsMode "
                     "(line 3) are one setting to Milvus"),
            std::string::npos) << msg;
}

// Keys like the TLS settings where Milvus does not read them are kept, with their line, for the
// checks to name; their namesakes deeper in the file (internal TLS, CDC clusters) are not.
TEST(MilvusConfig, RecordsLookalikeKeys) {
  MilvusTlsConfig cfg = parse_milvus_config(
      "security:\n  tlsMode: 2\ncommon:\n  tlsMode: 1\n  security:\n    tlsEnabled: true\n"
      "    internaltlsEnabled: true\n  serverPemPath: s.pem\n"
      "internaltls:\n  serverPemPath: i.pem\ntls:\n  clusters:\n    a:\n      caPemPath: c.pem\n",
      "milvus.yaml");
  EXPECT_EQ(cfg.tls_mode, 0);
  EXPECT_FALSE(cfg.tls_mode_set);
  EXPECT_FALSE(cfg.server_pem_path);
  ASSERT_EQ(cfg.lookalikes.size(), 4u);
  EXPECT_EQ(cfg.lookalikes[0].found.key, "security.tlsMode");
  EXPECT_EQ(cfg.lookalikes[0].found.value, "2");
  EXPECT_EQ(cfg.lookalikes[0].found.line, 2);
  EXPECT_EQ(cfg.lookalikes[0].reads, "common.security.tlsMode");
  EXPECT_EQ(cfg.lookalikes[1].found.key, "common.tlsMode");
  EXPECT_EQ(cfg.lookalikes[1].found.line, 4);
  EXPECT_EQ(cfg.lookalikes[2].found.key, "common.security.tlsEnabled");
  EXPECT_EQ(cfg.lookalikes[2].reads, "common.security.tlsMode");
  EXPECT_EQ(cfg.lookalikes[3].found.key, "common.serverPemPath");
  EXPECT_EQ(cfg.lookalikes[3].reads, "tls.serverPemPath");
}

// What Milvus's Go YAML parser refuses, so Milvus would not start, is bad input here too; and an
// empty file is a wrong path or a truncated copy, not a configuration.
TEST(MilvusConfig, RefusesWhatMilvusWouldNotStartWith) {
  struct Row {
    const char* what;
    std::string text;
    std::string message;
  } rows[] = {
      {"empty", "", "milvus.yaml:1:1: empty file: no settings"},
      {"only comments", "# tls:\n#   serverPemPath: x\n", "milvus.yaml:1:1: empty file: no settings"},
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
      // Walking a cycle used to recurse until the stack overflowed; Go's parser refuses it.
      {"recursive alias", "a: &a\n  b: *a\ntls: *a\n",
       "milvus.yaml:2:6: the alias *a is inside the value it names"},
      {"deep", "tls: " + std::string(100, '[') + std::string(100, ']') + "\n",
       "milvus.yaml:1:70: nested too deeply (more than 65 levels, counting aliases)"},
  };
  for (const auto& r : rows) {
    std::string msg = testutil::message_of([&] { parse_milvus_config(r.text, "milvus.yaml"); });
    EXPECT_NE(msg.find(r.message), std::string::npos) << r.what << ": " << msg;
  }
  // A few aliases, as a hand-written file might use, are fine.
  MilvusTlsConfig cfg = parse_milvus_config(
      "base: &p /milvus/tls\ntls:\n  caPemPath: *p\ncommon:\n  security:\n    tlsMode: 1\n",
      "milvus.yaml");
  EXPECT_EQ(cfg.ca_pem_path.value_or(""), "/milvus/tls");
  EXPECT_EQ(cfg.tls_mode, 1);
}

// milvus.yaml is Milvus's file, read by Go's YAML parser: what it accepts (and yaml-cpp's own
// loader accepted here before the strict reader) is no error, unlike in the project's own files.
TEST(MilvusConfig, AcceptsWhatMilvusAccepts) {
  MilvusTlsConfig cfg = parse_milvus_config(
      "paths: &p\n  caPemPath: /tls/ca.pem\n"            // an anchored map, and its alias
      "tls: *p\n"
      "common: !!map {security: {tlsMode: !!int 2}}\n"  // tags
      "~: null key\n[a, b]: a list as a key\n"          // keys that are no names
      "---\ntls: {caPemPath: second-document.pem}\n",   // a later document (never read)
      "milvus.yaml");
  EXPECT_EQ(cfg.ca_pem_path.value_or(""), "/tls/ca.pem");
  EXPECT_EQ(cfg.tls_mode, 2);
  EXPECT_EQ(cfg.tls_mode_line, 4);
}

TEST(MilvusConfig, WrongTypesNameFileAndLine) {
  std::string msg = testutil::message_of([] {
    parse_milvus_config("tls:\n  serverPemPath:\n    nested: x\n", "conf/milvus.yaml");
  });
  EXPECT_NE(msg.find("conf/milvus.yaml:3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tls.serverPemPath must be a file path"), std::string::npos) << msg;

  msg = testutil::message_of([] {
    parse_milvus_config("common:\n  security:\n    tlsMode: two\n", "milvus.yaml");
  });
  EXPECT_NE(msg.find("milvus.yaml:3:14:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tlsMode must be an integer"), std::string::npos) << msg;

  msg = testutil::message_of([] { parse_milvus_config("tls: [a, b]\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("milvus.yaml:1:6: tls must be a map, found a list"), std::string::npos) << msg;

  msg = testutil::message_of([] { parse_milvus_config("common:\n  security: 3\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("common.security must be a map"), std::string::npos) << msg;

  msg = testutil::message_of([] { parse_milvus_config("tls:\n  serverPemPath: [\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("milvus.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;

  msg = testutil::message_of([] { parse_milvus_config("- just\n- a list\n", "milvus.yaml"); });
  EXPECT_NE(msg.find("expected a map at the top level"), std::string::npos) << msg;
}

class ResolvePath : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_.write("tls/server.pem", "x");
    tmp_.write("milvus/tls/ca.pem", "x");
    tmp_.write("rel.pem", "x");
  }
  testutil::TempDir tmp_;
  const fs::path& dir_ = tmp_.path();
};

// The documented rule: ROOT/P first, then ROOT/P without its first folder (a Compose folder).
TEST_F(ResolvePath, RootMapsContainerPaths) {
  const fs::path yaml = dir_ / "milvus.yaml";
  const PathBase root{dir_ / "elsewhere", true, dir_};
  EXPECT_EQ(resolve_config_path("/milvus/tls/ca.pem", "tls.caPemPath", yaml, root),
            dir_ / "milvus/tls/ca.pem");
  EXPECT_EQ(resolve_config_path("/milvus/tls/server.pem", "tls.serverPemPath", yaml, root),
            dir_ / "tls/server.pem");
}

// Relative paths are Milvus's: from its working directory (--workdir), never from the folder
// holding milvus.yaml, and --root does not touch them.
TEST_F(ResolvePath, RelativePathsFromTheWorkdir) {
  const fs::path yaml = dir_ / "milvus" / "milvus.yaml";
  EXPECT_EQ(resolve_config_path("rel.pem", "tls.serverPemPath", yaml, PathBase{dir_, true, {}}),
            dir_ / "rel.pem");
  EXPECT_EQ(resolve_config_path("tls/ca.pem", "tls.caPemPath", yaml,
                                PathBase{dir_ / "milvus", true, dir_}),
            dir_ / "milvus/tls/ca.pem");
  std::string msg = testutil::message_of([&] {
    resolve_config_path("rel.pem", "tls.serverPemPath", yaml, PathBase{dir_ / "milvus", true, dir_});
  });
  EXPECT_NE(msg.find("no file at " + (dir_ / "milvus/rel.pem").string() +
                     " (relative paths are resolved against --workdir " +
                     (dir_ / "milvus").string() + ", Milvus's working directory; --root maps "
                     "only absolute paths)"),
            std::string::npos) << msg;
}

TEST_F(ResolvePath, MissingFileNamesEveryCandidate) {
  const fs::path yaml = dir_ / "milvus.yaml";
  std::string msg = testutil::message_of(
      [&] { resolve_config_path("/milvus/tls/server.key", "tls.serverKeyPath", yaml, PathBase{dir_, true, dir_}); });
  EXPECT_NE(msg.find(yaml.string() + ": tls.serverKeyPath = /milvus/tls/server.key"),
            std::string::npos) << msg;
  EXPECT_NE(msg.find((dir_ / "milvus/tls/server.key").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find((dir_ / "tls/server.key").string()), std::string::npos) << msg;

  msg = testutil::message_of(
      [&] { resolve_config_path("/milvus/tls/server.key", "tls.serverKeyPath", yaml, PathBase{dir_, true, {}}); });
  EXPECT_NE(msg.find("--root"), std::string::npos) << "a container path hints at --root: " << msg;
}

}  // namespace
}  // namespace tlsmatrix::validate
