// YAML is Unicode text, and what we read from it ends up in JSON and JUnit XML reports, where a
// stray byte makes the whole report unreadable. Input files are checked for UTF-8 up front.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tlsmatrix::io {

// Throws InputError("ORIGIN:LINE:COL: not valid UTF-8 (byte 0xNN)") at the first byte that does
// not belong to a well-formed UTF-8 sequence (overlong forms and surrogates included).
void check_utf8(std::string_view text, const std::string& origin);

// Characters (code points) in text already known to be UTF-8: limits such as X.509's 64-character
// common name count characters, not bytes.
std::size_t utf8_length(std::string_view text);

}  // namespace tlsmatrix::io
