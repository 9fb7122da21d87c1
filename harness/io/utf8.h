// YAML is Unicode text, and what we read from it ends up in JSON and JUnit XML reports, where a
// stray byte makes the whole report unreadable. Input files are checked for UTF-8 up front.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tlsmatrix::io {

// Decodes the code point at `pos` and advances past it. An invalid or truncated sequence
// (overlong, surrogate, beyond U+10FFFF; RFC 3629) yields nullopt and advances one byte, so
// callers can replace bad bytes one by one.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& pos);

void append_utf8(std::string& out, char32_t cp);

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Throws InputError("ORIGIN:LINE:COL: not valid UTF-8 (byte 0xNN)") at the first byte that does
// not belong to a well-formed UTF-8 sequence (overlong forms and surrogates included).
void check_utf8(std::string_view text, const std::string& origin);

// Characters (code points) in text already known to be UTF-8: limits such as X.509's 64-character
// common name count characters, not bytes.
std::size_t utf8_length(std::string_view text);

}  // namespace tlsmatrix::io
