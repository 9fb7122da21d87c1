#include "harness/io/file_io.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <stdexcept>
#include <thread>

#include "harness/io/duration_text.h"
#include "harness/io/input_error.h"
#include "harness/io/output_target.h"

namespace tlsmatrix::io {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::string why(int err) { return std::strerror(err); }

mode_t mode_bits(fs::perms perms) { return static_cast<mode_t>(perms) & 0777; }

// Writes all of `data` to a regular file. Returns 0 or the errno of the failure.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// Writes all of `data` to a device, FIFO or descriptor someone else reads, by the deadline. At
// most PIPE_BUF bytes after each POLLOUT: a pipe that reports POLLOUT has room for that much, so
// even a blocking descriptor (stdout is not ours to make non-blocking) never blocks here.
int write_all_by(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return ETIMEDOUT;
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return errno;
    if (ready == 0) return ETIMEDOUT;
    ssize_t n = ::write(fd, data.data(), std::min<std::size_t>(data.size(), PIPE_BUF));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return errno;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// A reader that went away is EPIPE for this write, not SIGPIPE for the process (probe and
// validate do not ignore SIGPIPE, and the error must reach the user as one line and exit 2).
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_);
  }
  ~SigpipeBlocked() {
    // Consume a SIGPIPE this thread raised, so that unblocking does not deliver it.
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    timespec zero{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t old_{};
};

std::string hidden_name(const fs::path& target, const char* tag) {
  std::random_device rd;
  return "." + target.filename().string() + tag + std::to_string(rd());
}

// Old content, a blank line, new content: what a step summary or a log of runs reads well as.
std::string appended(std::string old, std::string_view added) {
  if (!old.empty() && old.back() != '\n') old += '\n';
  if (old.size() >= 2 && old[old.size() - 2] != '\n') old += '\n';
  old += added;
  return old;
}

// One file on its way: where it goes, and what has been done so far (for the undo).
struct Pending {
  const OutputFile* file;
  OutputTarget target;
  std::string shown;
  fs::path temp = {};    // written, not yet renamed
  fs::path backup = {};  // a hard link to the old file, made just before the rename
  bool renamed = false;
};

// Undoes whatever a failed write_files did: temporaries go, renamed files get their old
// content back (or go, when they are new).
void roll_back(std::vector<Pending>& pending) {
  for (auto& p : pending) {
    if (!p.renamed) {
      if (!p.temp.empty()) ::unlink(p.temp.c_str());
      if (!p.backup.empty()) ::unlink(p.backup.c_str());
      continue;
    }
    if (!p.backup.empty()) {
      ::rename(p.backup.c_str(), p.target.real.c_str());
    } else if (p.target.kind == OutputTarget::Kind::new_file) {
      ::unlink(p.target.real.c_str());
    }
  }
}

void stage(Pending& p) {
  const OutputFile& f = *p.file;
  std::string merged;
  std::string_view content = f.content;
  mode_t mode = mode_bits(f.perms);
  if (f.mode == WriteMode::append && p.target.kind == OutputTarget::Kind::regular) {
    try {
      merged = appended(read_file(p.target.real, kMaxAppendBytes), f.content);
    } catch (const InputError& e) {
      throw InputError(p.shown + ": cannot append: " + e.what());
    }
    content = merged;
    struct stat st {};
    if (::stat(p.target.real.c_str(), &st) == 0) mode = st.st_mode & 0777;
  }
  const fs::path dir = p.target.real.parent_path();
  int fd = -1;
  for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
    p.temp = dir / hidden_name(p.target.real, ".tmp");
    fd = ::open(p.temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int err = errno;
    p.temp.clear();
    throw InputError(p.shown + ": cannot write: " + why(err));
  }
  // The umask may have narrowed the mode; set it exactly.
  ::fchmod(fd, mode);
  int err = write_all(fd, content);
  // No fsync: rename alone keeps readers from ever seeing half a file when the process dies,
  // which is the failure we guard against; fsync per key would dominate `certs scenario`.
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) throw InputError(p.shown + ": write failed: " + why(err));
}

void write_stream(Pending& p, Clock::time_point deadline, std::chrono::milliseconds limit) {
  const auto stalled = [&] {
    return InputError(p.shown + ": gave up after " + seconds_text(limit) +
                      ": the reader took nothing more");
  };
  const std::string_view content = p.file->content;
  if (p.target.kind == OutputTarget::Kind::descriptor) {
    // What the console report already put in stdio's buffers comes first.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    int err = write_all_by(p.target.fd, content, deadline);
    if (err == ETIMEDOUT) throw stalled();
    if (err != 0) throw InputError(p.shown + ": write failed: " + why(err));
    return;
  }
  // O_NONBLOCK: a FIFO nobody reads yet fails the open (ENXIO) instead of blocking it; the
  // reader gets until the deadline to turn up.
  int fd = -1;
  for (;;) {
    fd = ::open(p.target.real.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0 || (errno != ENXIO && errno != EINTR)) break;
    if (Clock::now() >= deadline) {
      throw InputError(p.shown + ": no process opened the FIFO for reading within " +
                       seconds_text(limit));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (fd < 0) throw InputError(p.shown + ": cannot open: " + why(errno));
  int err = write_all_by(fd, content, deadline);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == ETIMEDOUT) throw stalled();
  if (err != 0) throw InputError(p.shown + ": write failed: " + why(err));
}

void commit(Pending& p) {
  if (p.target.kind == OutputTarget::Kind::regular) {
    fs::path backup = p.target.real.parent_path() / hidden_name(p.target.real, ".old");
    // Without hard links (some file systems) a failure later on cannot restore this file.
    if (::link(p.target.real.c_str(), backup.c_str()) == 0) p.backup = backup;
  }
  if (::rename(p.temp.c_str(), p.target.real.c_str()) != 0) {
    throw InputError(p.shown + ": cannot rename into place: " + why(errno));
  }
  p.renamed = true;
}

// create_folders, with messages naming `shown` (the folder the user asked for, which may lie
// below `dir`).
void make_folders(const fs::path& dir, const fs::path& shown) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  // The missing components, outermost first.
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    if (fs::exists(fs::symlink_status(p, ec))) break;
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!it->has_filename()) continue;  // "a/" names "a", made in the next round
    if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST) {
      throw InputError(shown.string() + ": cannot create folder: " + why(errno));
    }
  }
  if (!fs::is_directory(dir, ec)) {
    throw InputError(shown.string() + ": cannot create folder: " + why(ec ? ec.value() : ENOTDIR));
  }
}

}  // namespace

std::string read_file(const fs::path& path, std::size_t max_bytes) {
  // O_NONBLOCK so that a FIFO given as a file does not hang the open; fstat then rejects it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    throw InputError(path.string() + ": cannot open: " + std::strerror(errno));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    throw InputError(path.string() + ": cannot stat: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw InputError(path.string() + ": is a directory, expected a file");
  if (!S_ISREG(st.st_mode)) throw InputError(path.string() + ": is not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    throw InputError(path.string() + ": too large (" + std::to_string(st.st_size) +
                     " bytes; the limit is " + std::to_string(max_bytes) + ")");
  }
  std::string out(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(path.string() + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

void write_files(const std::vector<OutputFile>& files, std::chrono::milliseconds stream_limit) {
  std::vector<Pending> pending;
  pending.reserve(files.size());
  for (const auto& f : files) {
    const fs::path& shown = f.shown.empty() ? f.path : f.shown;
    try {
      pending.push_back({&f, resolve_output(f.path), shown.string()});
    } catch (const InputError& e) {
      // resolve_output names f.path; the user knows the file as `shown`.
      if (f.shown.empty()) throw;
      std::string text = e.what();
      const std::string from = f.path.string();
      if (text.compare(0, from.size(), from) == 0) text = shown.string() + text.substr(from.size());
      throw InputError(text);
    }
  }
  const auto is_stream = [](const Pending& p) {
    return p.target.kind == OutputTarget::Kind::special ||
           p.target.kind == OutputTarget::Kind::descriptor;
  };
  try {
    for (auto& p : pending) {
      if (!is_stream(p)) stage(p);
    }
    SigpipeBlocked no_sigpipe;
    const auto deadline = Clock::now() + stream_limit;
    for (auto& p : pending) {
      if (is_stream(p)) write_stream(p, deadline, stream_limit);
    }
    for (auto& p : pending) {
      if (!is_stream(p)) commit(p);
    }
  } catch (...) {
    roll_back(pending);
    throw;
  }
  for (auto& p : pending) {
    if (!p.backup.empty()) ::unlink(p.backup.c_str());
  }
}

void write_file_atomic(const fs::path& path, std::string_view content, fs::perms perms) {
  write_files({OutputFile{path, std::string(content), perms}});
}

void write_folder(const fs::path& dir_given, std::vector<OutputFile> files) {
  // "tls/" is the folder "tls".
  const fs::path dir = dir_given.has_filename() ? dir_given : dir_given.parent_path();
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (fs::is_directory(status)) {
    for (auto& f : files) f.path = dir / f.path;
    write_files(files);
    return;
  }
  if (fs::exists(status)) throw InputError(dir_given.string() + ": is not a folder");
  if (fs::is_symlink(fs::symlink_status(dir, ec))) {
    throw InputError(dir_given.string() + ": is a link to a folder that does not exist");
  }

  const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  make_folders(parent, dir_given);
  std::string pattern = (parent / hidden_name(dir, ".tmp")).string() + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw InputError(dir_given.string() + ": cannot create folder: " + why(errno));
  }
  const fs::path temp = pattern;
  try {
    // mkdtemp makes it 0700 under any umask but a stricter one; set it exactly.
    if (::chmod(temp.c_str(), 0700) != 0) {
      throw InputError(dir_given.string() + ": cannot create folder: " + why(errno));
    }
    for (auto& f : files) {
      f.shown = dir / f.path;
      f.path = temp / f.path;
    }
    write_files(files);
    if (::rename(temp.c_str(), dir.c_str()) != 0) {
      throw InputError(dir_given.string() + ": cannot rename into place: " + why(errno));
    }
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
}

void create_folders(const fs::path& dir) { make_folders(dir, dir); }

void check_output_file(const fs::path& path, WriteMode mode) {
  check_output(path, mode == WriteMode::append);
}

}  // namespace tlsmatrix::io
