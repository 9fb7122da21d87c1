// Reading user files with a size limit, and writing files so that a failure or a crash never
// leaves half a file, half a set of reports or half a certificate set behind.
//
// The write rules (every command that writes a file goes through write_files):
//  - a regular file (or a new one) is written to a hidden temporary file in the same folder and
//    renamed over the target; a symlink is followed, so its target is replaced and the link kept;
//  - a character device, a FIFO, /dev/stdout or /dev/fd/N is written to directly (never replaced),
//    within a total deadline, so a reader that stops reading cannot hang the tool;
//  - several files go all or none: every temporary file is written first, then the devices, then
//    all renames; a failure removes the temporaries and puts back what was renamed already;
//  - WriteMode::append keeps the file's content and adds to it (still via temporary + rename).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::io {

// Inputs larger than this are refused before they are read (certificates, keys, YAML).
inline constexpr std::size_t kMaxInputBytes = 8 * 1024 * 1024;

// Reads a whole regular file. Throws InputError("PATH: why") when it is missing, not a regular
// file, unreadable, or larger than max_bytes.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes = kMaxInputBytes);

enum class WriteMode { replace, append };

struct OutputFile {
  std::filesystem::path path;
  std::string content;
  // From creation on, so a private key is never readable by others, not even for a moment. An
  // appended file keeps its own mode.
  std::filesystem::perms perms = std::filesystem::perms(0644);
  WriteMode mode = WriteMode::replace;
  // The name messages use (empty: `path`), when `path` is a temporary place the user never named.
  std::filesystem::path shown = {};
};

// How long a write to a device, FIFO or descriptor may take in all, the wait for a FIFO's reader
// included.
inline constexpr std::chrono::milliseconds kStreamWriteLimit{60000};

// Writes every file, or none of them (see the rules above). Creates no folders. Throws
// InputError("PATH: why") on failure, PATH as the user gave it: the path is the user's choice (a
// missing folder, a full disk, no permission), so the CLI prints it on one line and exits 2.
// InputError is a std::runtime_error, which older callers catch.
void write_files(const std::vector<OutputFile>& files,
                 std::chrono::milliseconds stream_limit = kStreamWriteLimit);

// One file: write_files({{path, content, perms}}).
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       std::filesystem::perms perms = std::filesystem::perms(0644));

// Writes `files` (paths relative to `dir`) as one set into `dir`. A folder that does not exist
// yet is made whole in a hidden temporary folder next to it, mode 0700 whatever the umask (sets
// hold private keys), and renamed into place, so it appears complete or not at all. Into an
// existing folder the files go all or none (write_files), and the folder's mode and other files
// are left as they are. Missing parent folders are created as by create_folders.
void write_folder(const std::filesystem::path& dir, std::vector<OutputFile> files);

// Creates `dir` and any missing parents, each with mode 0755 narrowed by the umask (never wider,
// whatever the umask). Throws InputError("DIR: cannot create folder: why").
void create_folders(const std::filesystem::path& dir);

// For a report file the user named: call before the work that produces it, so a typo or a
// read-only folder costs no run. Throws InputError("PATH: ...") when the path is empty, names a
// folder, its folder does not exist or cannot be written in, or a device, FIFO or descriptor
// cannot be written (io::check_output). `mode` append: the existing file must be readable too.
void check_output_file(const std::filesystem::path& path, WriteMode mode = WriteMode::replace);

inline constexpr std::filesystem::perms kPrivateKeyPerms = std::filesystem::perms(0600);

}  // namespace tlsmatrix::io
