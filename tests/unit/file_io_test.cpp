// io::read_file refuses what is not a sane input file before reading it, naming the file; and
// io::write_file_atomic never leaves half a file or a stray temporary behind, whatever fails.
#include "harness/io/file_io.h"

#include <gmock/gmock.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "harness/io/input_error.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/input_errors.h"

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

  // A folder that does not exist: the message names the file and the folder.
  const fs::path nowhere = tmp.path() / "no-such-folder" / "report.json";
  try {
    io::write_file_atomic(nowhere, "x");
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), nowhere.string() + ": folder " +
                                         nowhere.parent_path().string() + " does not exist");
  }
}

// A link is followed: its target is replaced atomically and the link stays a link.
TEST(WriteFileAtomic, FollowsASymlinkAndKeepsIt) {
  testutil::TempDir tmp;
  fs::create_directory(tmp.path() / "links");
  { std::ofstream(tmp.path() / "real.json") << "old"; }
  const fs::path link = tmp.path() / "links" / "r.json";
  fs::create_symlink("../real.json", link);
  io::write_file_atomic(link, "new");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link), fs::path("../real.json"));
  EXPECT_EQ(slurp(tmp.path() / "real.json"), "new");
  EXPECT_EQ(names_in(tmp.path() / "links"), std::vector<std::string>{"r.json"});
  EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"links", "real.json"}));
}

// A FIFO gets the bytes and stays a FIFO (a rename would have replaced it with a plain file that
// its reader never sees).
TEST(WriteFileAtomic, WritesIntoAFifo) {
  testutil::TempDir tmp;
  const fs::path fifo = tmp.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The reader is there first (a non-blocking open does not wait for a writer).
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  EXPECT_EQ(message_of([&] { io::write_file_atomic(fifo, "through the pipe"); }),
            "(no InputError)");
  std::string got;
  char buf[256];
  pollfd p{reader, POLLIN, 0};
  while (::poll(&p, 1, 2000) > 0) {
    ssize_t n = ::read(reader, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(reader);
  EXPECT_EQ(got, "through the pipe");
  EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo);
  EXPECT_EQ(names_in(tmp.path()), std::vector<std::string>{"fifo"});
}

// A character device is written to, not replaced; a write it refuses (the kernel's "full" device,
// made here with mknod: needs root) is an error naming the path and the cause.
TEST(WriteFileAtomic, WritesIntoADeviceAndReportsItsError) {
  testutil::TempDir tmp;
  const fs::path full = tmp.path() / "full";
  const fs::path null = tmp.path() / "null";
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0 ||
      ::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod not allowed here: " << std::strerror(errno);
  }
  EXPECT_EQ(message_of([&] { io::write_file_atomic(full, "x"); }),
            full.string() + ": write failed: No space left on device");
  EXPECT_EQ(fs::status(full).type(), fs::file_type::character);
  EXPECT_NO_THROW(io::write_file_atomic(null, "x"));
  EXPECT_EQ(fs::status(null).type(), fs::file_type::character);
  EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"full", "null"}));
}

// Several files go all or none: when the last rename fails (an immutable file is in the way),
// the files renamed before it get their old content back and no temporary stays.
TEST(WriteFiles, ARenameThatFailsUndoesTheOthers) {
  testutil::TempDir tmp;
  const fs::path a = tmp.path() / "a.json";
  const fs::path b = tmp.path() / "b.xml";
  const fs::path locked = tmp.path() / "locked.html";
  { std::ofstream(a) << "old a"; }
  { std::ofstream(locked) << "old locked"; }
  const int fd = ::open(locked.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  int flags = 0;
  bool immutable = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (immutable) {
    flags |= FS_IMMUTABLE_FL;
    immutable = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  if (!immutable) {
    ::close(fd);
    GTEST_SKIP() << "cannot make a file immutable here: " << std::strerror(errno);
  }
  std::string message = message_of([&] {
    io::write_files({{a, "new a"}, {b, "new b"}, {locked, "new locked"}});
  });
  flags &= ~FS_IMMUTABLE_FL;
  ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
  ::close(fd);
  EXPECT_THAT(message, StartsWith(locked.string() + ": cannot rename into place: "));
  EXPECT_EQ(slurp(a), "old a");
  EXPECT_EQ(slurp(locked), "old locked");
  EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"a.json", "locked.html"}));
}

// --markdown's mode: the old content stays, a blank line, then the new; a missing file is
// created; the file keeps its own mode.
TEST(WriteFiles, AppendKeepsWhatWasThere) {
  testutil::TempDir tmp;
  const fs::path summary = tmp.path() / "summary.md";
  { std::ofstream(summary) << "# step 1\nline"; }
  fs::permissions(summary, fs::perms(0640));
  io::write_files({{summary, "## step 2\n", fs::perms(0644), io::WriteMode::append}});
  io::write_files({{summary, "## step 3\n", fs::perms(0644), io::WriteMode::append}});
  EXPECT_EQ(slurp(summary), "# step 1\nline\n\n## step 2\n\n## step 3\n");
  EXPECT_EQ(fs::status(summary).permissions() & fs::perms::all, fs::perms(0640));
  const fs::path fresh = tmp.path() / "fresh.md";
  io::write_files({{fresh, "## only\n", fs::perms(0644), io::WriteMode::append}});
  EXPECT_EQ(slurp(fresh), "## only\n");
  EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"fresh.md", "summary.md"}));
}

// /dev/fd/N and /proc/self/fd/N mean that descriptor, as a shell means it: the bytes go into the
// pipe, after one another.
TEST(WriteFiles, ADescriptorPathWritesToThatDescriptor) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  const std::string n = std::to_string(p[1]);
  io::write_files({{"/dev/fd/" + n, "one,"}, {"/proc/self/fd/" + n, "two"}});
  ::close(p[1]);
  char buf[64];
  ssize_t got = ::read(p[0], buf, sizeof buf);
  ::close(p[0]);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(std::max<ssize_t>(got, 0))), "one,two");
}

// Streams others read get a total deadline: a FIFO nobody opens, a pipe nobody empties. A reader
// that went away is an error, not SIGPIPE.
TEST(WriteFiles, StreamsHaveADeadlineAndReportAGoneReader) {
  using std::chrono::milliseconds;
  testutil::TempDir tmp;
  const fs::path fifo = tmp.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(message_of([&] { io::write_files({{fifo, "x"}}, milliseconds(200)); }),
            fifo.string() + ": no process opened the FIFO for reading within 0.2 s");

  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  const std::string path = "/dev/fd/" + std::to_string(p[1]);
  const std::string big(1 << 20, 'x');  // more than a pipe holds
  EXPECT_EQ(message_of([&] { io::write_files({{path, big}}, milliseconds(300)); }),
            path + ": gave up after 0.3 s: the reader took nothing more");
  ::close(p[0]);
  EXPECT_EQ(message_of([&] { io::write_files({{path, "x"}}, milliseconds(300)); }),
            path + ": write failed: Broken pipe");
  ::close(p[1]);
}

// What check_output refuses up front, each with the path and the reason.
TEST(CheckOutputFile, RefusesWhatCannotTakeAReport) {
  testutil::TempDir tmp;
  const fs::path loop = tmp.path() / "loop";
  fs::create_symlink("loop", loop);
  EXPECT_EQ(message_of([&] { io::check_output_file(loop); }),
            loop.string() + ": too many levels of symbolic links");
  const fs::path dangling = tmp.path() / "dangling";
  fs::create_symlink(tmp.path() / "missing" / "r.json", dangling);
  EXPECT_EQ(message_of([&] { io::check_output_file(dangling); }),
            dangling.string() + ": links to " + (tmp.path() / "missing" / "r.json").string() +
                ", but folder " + (tmp.path() / "missing").string() + " does not exist");
  EXPECT_EQ(message_of([&] { io::check_output_file("/dev/fd/987"); }),
            "/dev/fd/987: descriptor 987 is not open");
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  const std::string read_end = "/dev/fd/" + std::to_string(p[0]);
  EXPECT_EQ(message_of([&] { io::check_output_file(read_end); }),
            read_end + ": descriptor " + std::to_string(p[0]) + " is open for reading only");
  ::close(p[0]);
  ::close(p[1]);
  const fs::path socket_path = tmp.path() / "sock";
  const int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(message_of([&] { io::check_output_file(socket_path); }),
            socket_path.string() + ": is a socket; give a file, a FIFO or a character device");
  ::close(s);
}

// A new folder of files appears whole or not at all: here one file cannot be made (its name
// asks for a subfolder), so neither the folder nor a temporary one is left.
TEST(WriteFolder, ANewFolderAppearsWholeOrNotAtAll) {
  testutil::TempDir tmp;
  const fs::path dir = tmp.path() / "set";
  EXPECT_THAT(message_of([&] {
                io::write_folder(dir, {{"a.pem", "a"}, {"sub/b.key", "b", io::kPrivateKeyPerms}});
              }),
              StartsWith((dir / "sub" / "b.key").string() + ": folder "));
  EXPECT_EQ(names_in(tmp.path()), std::vector<std::string>{});
  io::write_folder(dir, {{"a.pem", "a"}, {"b.key", "b", io::kPrivateKeyPerms}});
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"a.pem", "b.key"}));
  EXPECT_EQ(names_in(tmp.path()), std::vector<std::string>{"set"});
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms(0700));
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
