// Where the bytes for an output path the user named really go. A report path is not always a
// plain file: `--json /dev/stdout`, a FIFO a CI step reads, /dev/null, a symlink into a shared
// folder. Renaming a temporary file over such a path would replace the device, the FIFO or the
// link with a plain file (as root, silently), so the writers ask here first and rename only
// over regular files.
#pragma once

#include <cstddef>
#include <filesystem>

namespace tlsmatrix::io {

// A file that --markdown appends to is read whole and rewritten; larger ones are refused.
inline constexpr std::size_t kMaxAppendBytes = 64u * 1024 * 1024;

struct OutputTarget {
  enum class Kind {
    new_file,    // nothing there yet: created by rename
    regular,     // an existing regular file: replaced by rename
    special,     // a character device or a FIFO: opened and written to
    descriptor,  // /dev/stdout, /dev/fd/N, /proc/self/fd/N: written to descriptor `fd`
  };
  Kind kind = Kind::new_file;
  // Symlinks followed: the file that is replaced or created, the device or FIFO opened. Its
  // folder is canonical, so two paths to one file compare equal.
  std::filesystem::path real;
  int fd = -1;  // Kind::descriptor only
};

// Follows symlinks (relative ones from the link's folder) to the end. Throws InputError("PATH:
// why") when the path is empty, names a folder or a socket, its folder does not exist, or the
// links loop.
OutputTarget resolve_output(const std::filesystem::path& path);

// resolve_output, plus: the process may write there (the folder, for files replaced by rename;
// the device or FIFO itself; a descriptor open for writing). Throws InputError("PATH: why").
// `read_too`: the existing file is also read (--markdown appends to it).
OutputTarget check_output(const std::filesystem::path& path, bool read_too = false);

}  // namespace tlsmatrix::io
