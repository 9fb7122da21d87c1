// io::read_file refuses what is not a sane input file before reading it, naming the file; and
// io::write_file_atomic never leaves half a file or a stray temporary behind, whatever fails.
#include "harness/io/file_io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "harness/io/input_error.h"
#include "tests/unit/cert_test_util.h"

namespace tlsmatrix {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using testutil::message_of;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ReadFile, RefusesWhatIsNotARegularFileNamingIt) {
  testutil::TempDir tmp;
  const fs::path dir = tmp.path() / "folder";
  fs::create_directory(dir);
  EXPECT_THAT(message_of([&] { io::read_file(dir); }),
              StartsWith(dir.string() + ": is a directory"));

  // A FIFO nobody writes to would block a plain open() forever.
  const fs::path fifo = tmp.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(message_of([&] { io::read_file(fifo); }),
              StartsWith(fifo.string() + ": is not a regular file"));

  const fs::path loop = tmp.path() / "loop";
  fs::create_symlink("loop", loop);
  EXPECT_THAT(message_of([&] { io::read_file(loop); }), StartsWith(loop.string() + ": cannot open"));

  const fs::path missing = tmp.path() / "missing.pem";
  EXPECT_THAT(message_of([&] { io::read_file(missing); }),
              StartsWith(missing.string() + ": cannot open: No such file"));
}

TEST(ReadFile, RefusesLargeFilesBeforeReadingThem) {
  testutil::TempDir tmp;
  const fs::path big = tmp.path() / "big.pem";
  { std::ofstream(big) << ""; }
  // Sparse: the size is what counts, and it costs no disk.
  fs::resize_file(big, 100u * 1024 * 1024);
  EXPECT_THAT(message_of([&] { io::read_file(big); }),
              StartsWith(big.string() + ": too large (104857600 bytes; the limit is 8388608)"));
  const fs::path small = tmp.path() / "small";
  { std::ofstream(small) << "12345"; }
  EXPECT_THAT(message_of([&] { io::read_file(small, 4); }), HasSubstr("too large"));
  EXPECT_EQ(io::read_file(small, 5), "12345");
}

TEST(WriteFileAtomic, ReplacesTheWholeFileWithTheGivenPermissions) {
  testutil::TempDir tmp;
  const fs::path key = tmp.path() / "server.key";
  { std::ofstream(key) << std::string(10000, 'x'); }
  io::write_file_atomic(key, "short", io::kPrivateKeyPerms);
  EXPECT_EQ(slurp(key), "short");
  EXPECT_EQ(fs::status(key).permissions() & fs::perms::all, fs::perms(0600));
  EXPECT_EQ(names_in(tmp.path()), std::vector<std::string>{"server.key"});
}

TEST(WriteFileAtomic, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  testutil::TempDir tmp;
  // The rename fails: the target is a non-empty folder. Nothing of the new content may appear.
  const fs::path target = tmp.path() / "report.json";
  fs::create_directory(target);
  { std::ofstream(target / "keep") << "old"; }
  EXPECT_THROW(io::write_file_atomic(target, "{\"new\": true}"), std::runtime_error);
  EXPECT_EQ(names_in(tmp.path()), std::vector<std::string>{"report.json"});
  EXPECT_EQ(slurp(target / "keep"), "old");

  // A folder that does not exist: the message names the file.
  const fs::path nowhere = tmp.path() / "no-such-folder" / "report.json";
  try {
    io::write_file_atomic(nowhere, "x");
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), StartsWith(nowhere.string() + ": cannot write"));
  }
}

TEST(CreateFolders, NamesTheFolderItCannotCreate) {
  testutil::TempDir tmp;
  const fs::path file = tmp.path() / "a-file";
  { std::ofstream(file) << "x"; }
  EXPECT_THAT(message_of([&] { io::create_folders(file / "sub"); }),
              StartsWith((file / "sub").string() + ": cannot create folder: "));
  io::create_folders(tmp.path() / "x" / "y");
  EXPECT_TRUE(fs::is_directory(tmp.path() / "x" / "y"));
}

// The up-front check every report flag (run, probe, bench, validate) uses: the message names the
// file the user typed and says what is wrong with it.
TEST(CheckOutputFile, NamesTheFileAndTheProblem) {
  testutil::TempDir tmp;
  const fs::path nowhere = tmp.path() / "no-such-folder" / "r.json";
  EXPECT_EQ(message_of([&] { io::check_output_file(nowhere); }),
            nowhere.string() + ": folder " + nowhere.parent_path().string() + " does not exist");
  EXPECT_EQ(message_of([&] { io::check_output_file(tmp.path()); }),
            tmp.path().string() + ": is a directory; give a file name for the report");
  EXPECT_EQ(message_of([&] { io::check_output_file(""); }), "report path is empty");
  EXPECT_NO_THROW(io::check_output_file(tmp.path() / "r.json"));
  EXPECT_NO_THROW(io::check_output_file("r.json"));  // the current folder
}

}  // namespace
}  // namespace tlsmatrix
