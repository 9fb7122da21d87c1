// Commands printed as advice must run as printed: each argument written so that a POSIX shell
// reads it back unchanged (a path with a space, an IPv6 endpoint in brackets, which the shell
// would take for a glob).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tlsmatrix::io {

// `arg` as is when it holds only characters no shell treats specially, else in single quotes.
std::string shell_word(std::string_view arg);

// The arguments as one command line, each through shell_word.
std::string shell_command(const std::vector<std::string>& args);

}  // namespace tlsmatrix::io
