// Reading user files with a size limit and writing files atomically (temporary file in the same
// folder, then rename), so an interrupted run never leaves half a report or half a key behind.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace tlsmatrix::io {

// Inputs larger than this are refused before they are read (certificates, keys, YAML).
inline constexpr std::size_t kMaxInputBytes = 8 * 1024 * 1024;

// Reads a whole regular file. Throws InputError("PATH: why") when it is missing, not a regular
// file, unreadable, or larger than max_bytes.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes = kMaxInputBytes);

// Writes `content` to `path` via a temporary file and rename. `perms` applies from creation on,
// so a private key is never readable by others, not even for a moment. Creates no folders.
// Throws InputError("PATH: cannot write: why") on failure: the path is the user's choice (a
// missing folder, a folder where the file should go, no permission), so the CLI prints it on one
// line and exits 2. InputError is a std::runtime_error, which older callers catch.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       std::filesystem::perms perms = std::filesystem::perms(0644));

// Creates `dir` and any missing parents. Throws InputError("DIR: cannot create folder: why").
void create_folders(const std::filesystem::path& dir);

// For a report file the user named: call before the work that produces it, so a typo in the path
// costs no run. Throws InputError("PATH: ...") when the path is empty, names a folder, or its
// parent folder does not exist. Permissions are left to write_file_atomic.
void check_output_file(const std::filesystem::path& path);

inline constexpr std::filesystem::perms kPrivateKeyPerms = std::filesystem::perms(0600);

}  // namespace tlsmatrix::io
