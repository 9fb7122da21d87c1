#include "harness/io/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

#include "harness/io/input_error.h"

namespace tlsmatrix::io {

namespace fs = std::filesystem;

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

void write_file_atomic(const fs::path& path, std::string_view content, fs::perms perms) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::random_device rd;
  fs::path tmp = dir / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  static_cast<mode_t>(perms) & 0777);
  if (fd < 0) {
    throw InputError(path.string() + ": cannot write: " + std::strerror(errno));
  }
  // The umask may have narrowed the mode; set it exactly.
  ::fchmod(fd, static_cast<mode_t>(perms) & 0777);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw InputError(path.string() + ": write failed: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  // No fsync: rename alone keeps readers from ever seeing half a file when the process dies,
  // which is the failure we guard against; fsync per key would dominate `certs scenario`.
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(path.string() + ": write failed: " + std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(path.string() + ": cannot rename into place: " + std::strerror(err));
  }
}

void create_folders(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(dir.string() + ": cannot create folder: " + ec.message());
}

void check_output_file(const fs::path& path) {
  if (path.empty()) throw InputError("report path is empty");
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw InputError(path.string() + ": is a directory; give a file name for the report");
  }
  fs::path parent = path.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    throw InputError(path.string() + ": folder " + parent.string() + " does not exist");
  }
}

}  // namespace tlsmatrix::io
