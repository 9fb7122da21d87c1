#include "harness/cli/at_option.h"

#include <cstdio>

#include "harness/io/input_error.h"
#include "harness/scenario/scenario_loader.h"

namespace tlsmatrix::cli {

namespace {

bool in_certificate_years(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  int year = static_cast<int>(year_month_day(floor<days>(t)).year());
  return year >= 1900 && year <= 9999;
}

std::optional<std::chrono::sys_seconds> parse_date(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int used = 0;
  const std::string str(text);
  bool ok = false;
  if (str.size() == 10) {
    ok = std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3 && used == 10;
  } else if (str.size() == 20 && (str[10] == 'T' || str[10] == ' ') && str[19] == 'Z') {
    ok = std::sscanf(str.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &s, &used) == 6 &&
         used == 20;
  }
  if (!ok || h > 23 || mi > 59 || s > 59) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd) + hours(h) + minutes(mi) + seconds(s);
}

}  // namespace

std::optional<std::chrono::sys_seconds> parse_at(std::string_view text, std::chrono::sys_seconds now) {
  std::optional<std::chrono::sys_seconds> t;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    if (auto d = scenario::parse_duration(text)) t = now + *d;
  } else {
    t = parse_date(text);
  }
  if (t && !in_certificate_years(*t)) return std::nullopt;
  return t;
}

CLI::Option* add_at_option(CLI::App& cmd, std::string& text) {
  return cmd.add_option("--at", text, kAtHelp)
      ->type_name("DATE|+DURATION")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            if (parse_at(value, now)) return "";
            return "'" + value + "' is neither a date (2027-01-15, 2027-01-15T08:30:00Z) nor an "
                   "offset from now (+400d, -1h; units s m h d y) within the years 1900-9999";
          },
          /*validator_desc=*/""));
}

std::optional<std::chrono::sys_seconds> at_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto t = parse_at(text, now);
  if (!t) throw io::InputError("--at: bad time '" + text + "'");
  return t;
}

}  // namespace tlsmatrix::cli
