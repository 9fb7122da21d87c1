// UTF-8 handling shared by every report format: scenario names, server messages and details come
// from files and from peers, so they may hold invalid bytes, control characters or escape
// sequences that must never reach a terminal, a JSON string or an XML document as they are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/io/utf8.h"

namespace tlsmatrix::reports {

// The decoder is the one the input checks use (harness/io/utf8.h), so what a loader accepts as
// UTF-8 and what a report keeps as UTF-8 cannot drift apart.
using io::append_utf8;
using io::kReplacementChar;
using io::next_code_point;

// `text` with every invalid byte replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// One line for a table cell or an attribute: control characters (newlines and tabs too) become
// spaces, runs of spaces shrink to one, ends are trimmed, invalid bytes become U+FFFD.
std::string one_line(std::string_view text);

// Terminal columns `text` takes: combining marks take none, East Asian wide characters and
// emoji two, everything else one (so the marks ✓ and ✗ count as one).
std::size_t display_width(std::string_view text);

// `text` cut to at most `width` columns; a cut text ends with `ellipsis` (counted in the width).
std::string truncate_to_width(std::string_view text, std::size_t width,
                              std::string_view ellipsis = "…");

// `text` followed by spaces up to `width` columns (never cut).
std::string pad_to_width(std::string_view text, std::size_t width);

// `text` (one line) broken at spaces into lines of at most `width` columns; a word longer than
// `width` gets a line of its own rather than being split.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// A fixed-point number without locale influence: format_fixed(0.01234, 3) == "0.012".
std::string format_fixed(double value, int decimals);

}  // namespace tlsmatrix::reports
