// `--at DATE|+DURATION` on validate, run and rotate: judge as if the clock read that time
// (harness/ossl/verify_time.h says where it takes effect).
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tlsmatrix::cli {

// "2027-01-15", "2027-01-15T08:30:00Z" (UTC), or an offset from `now`: "+400d", "-1h", "+2y"
// (units s m h d y). nullopt when the text is none of these or lies outside 1900-9999.
std::optional<std::chrono::sys_seconds> parse_at(std::string_view text, std::chrono::sys_seconds now);

inline constexpr const char* kAtHelp =
    "judge as if the clock read this time: DATE (2027-01-15, 2027-01-15T08:30:00Z, UTC) or an "
    "offset from now (+400d, +12h, -1d; units s m h d y). Every certificate's dates, at every "
    "depth and in every profile, are judged by the real handshakes' own verification at that "
    "time";

// Adds --at to `cmd`, storing the text in `text` (checked by parse_at at parse time).
CLI::Option* add_at_option(CLI::App& cmd, std::string& text);

// The time `text` names now (parse_at); nullopt for an empty text.
std::optional<std::chrono::sys_seconds> at_time(const std::string& text);

}  // namespace tlsmatrix::cli
