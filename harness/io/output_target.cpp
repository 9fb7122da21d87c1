#include "harness/io/output_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "harness/io/input_error.h"

namespace tlsmatrix::io {

namespace fs = std::filesystem;

namespace {

// As many links as the kernel follows in one path lookup.
constexpr int kMaxLinks = 40;

std::string why(int err) { return std::strerror(err); }

// /dev/stdout, /dev/fd/N and /proc/self/fd/N all end in this folder. Its entries are "magic"
// links: reading them gives "pipe:[1234]" or a file that was deleted, and opening one again gives
// a new open file (at offset 0 for a regular file) rather than the descriptor the shell set up.
// So such a path means "this descriptor", and is written to as it is.
bool is_own_fd_folder(const fs::path& canonical_dir) {
  return canonical_dir == fs::path("/proc") / std::to_string(::getpid()) / "fd";
}

int descriptor_number(const std::string& name) {
  if (name.empty() || name.size() > 9 || name.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoi(name);
}

[[noreturn]] void not_a_file(const std::string& shown) {
  throw InputError(shown + ": is a directory; give a file name for the report");
}

}  // namespace

OutputTarget resolve_output(const fs::path& path) {
  if (path.empty()) throw InputError("report path is empty");
  const std::string shown = path.string();
  fs::path p = path;
  for (int hop = 0; hop <= kMaxLinks; ++hop) {
    const fs::path name = p.filename();
    if (name.empty() || name == "." || name == "..") not_a_file(shown);
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    std::error_code ec;
    const fs::path real_dir = fs::canonical(dir, ec);
    std::string what;
    if (ec) {
      what = ec == std::errc::no_such_file_or_directory ? " does not exist" : ": " + ec.message();
    } else if (!fs::is_directory(real_dir, ec)) {
      what = " is not a folder";
    }
    if (!what.empty()) {
      throw InputError(shown + ": " + (hop == 0 ? "" : "links to " + p.string() + ", but ") +
                       "folder " + dir.string() + what);
    }
    if (is_own_fd_folder(real_dir)) {
      if (int fd = descriptor_number(name.string()); fd >= 0) {
        return {OutputTarget::Kind::descriptor, real_dir / name, fd};
      }
    }
    const fs::path real = real_dir / name;
    struct stat st {};
    if (::lstat(real.c_str(), &st) != 0) {
      if (errno == ENOENT) return {OutputTarget::Kind::new_file, real};
      throw InputError(shown + ": cannot look at " + real.string() + ": " + why(errno));
    }
    if (S_ISLNK(st.st_mode)) {
      const fs::path target = fs::read_symlink(real, ec);
      if (ec) throw InputError(shown + ": cannot read link " + real.string() + ": " + ec.message());
      p = target.is_absolute() ? target : real_dir / target;
      continue;
    }
    if (S_ISREG(st.st_mode)) return {OutputTarget::Kind::regular, real};
    if (S_ISDIR(st.st_mode)) not_a_file(shown);
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return {OutputTarget::Kind::special, real};
    throw InputError(shown + ": is a " + (S_ISSOCK(st.st_mode) ? "socket" : "block device") +
                     "; give a file, a FIFO or a character device");
  }
  throw InputError(shown + ": too many levels of symbolic links");
}

OutputTarget check_output(const fs::path& path, bool read_too) {
  OutputTarget t = resolve_output(path);
  const std::string shown = path.string();
  switch (t.kind) {
    case OutputTarget::Kind::new_file:
    case OutputTarget::Kind::regular: {
      // Replacing by rename needs the folder, not the file, to be writable (AT_EACCESS: as the
      // effective user; a read-only mount fails this even for root).
      const fs::path dir = t.real.parent_path();
      if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
        throw InputError(shown + ": cannot write in folder " + dir.string() + ": " + why(errno));
      }
      if (read_too && t.kind == OutputTarget::Kind::regular) {
        if (::faccessat(AT_FDCWD, t.real.c_str(), R_OK, AT_EACCESS) != 0) {
          throw InputError(shown + ": cannot read it to append to it: " + why(errno));
        }
        std::error_code ec;
        if (fs::file_size(t.real, ec) > kMaxAppendBytes) {
          throw InputError(shown + ": larger than " + std::to_string(kMaxAppendBytes >> 20) +
                           " MiB; will not append to it");
        }
      }
      break;
    }
    case OutputTarget::Kind::special:
      if (::faccessat(AT_FDCWD, t.real.c_str(), W_OK, AT_EACCESS) != 0) {
        throw InputError(shown + ": cannot write: " + why(errno));
      }
      break;
    case OutputTarget::Kind::descriptor: {
      const int flags = ::fcntl(t.fd, F_GETFL);
      if (flags < 0) {
        throw InputError(shown + ": descriptor " + std::to_string(t.fd) + " is not open");
      }
      if ((flags & O_ACCMODE) == O_RDONLY) {
        throw InputError(shown + ": descriptor " + std::to_string(t.fd) +
                         " is open for reading only");
      }
      break;
    }
  }
  return t;
}

}  // namespace tlsmatrix::io
