#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "reports/bench_report.h"
#include "reports/text_util.h"

namespace tlsmatrix::reports {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string label(const BenchResult& r) {
  return std::string(handshake::to_string(r.layer)) + " " + handshake::describe(r.config);
}

std::string row(const std::vector<std::string>& cells) {
  static const int kWidths[] = {-34, 9, 8, 8, 8, 10, 10, 9, 8, 9};
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    auto width = static_cast<std::size_t>(std::abs(kWidths[i]));
    std::string pad(width > display_width(cells[i]) ? width - display_width(cells[i]) : 0, ' ');
    out += kWidths[i] < 0 ? cells[i] + pad : (i > 0 ? " " : "") + pad + cells[i];
  }
  return out + "\n";
}

std::string percent(double fraction) { return fraction > 0 ? fmt("%.0f%%", fraction * 100) : "-"; }

}  // namespace

std::string bench_table_header() {
  std::string head = row({"configuration", "hs/s", "p50 µs", "p90 µs", "p99 µs", "CPU µs/hs",
                          "ceiling/s", "bound/s", "of ceil", "of bound"});
  return head + std::string(display_width(head) - 1, '-') + "\n";
}

std::string bench_table_row(const BenchResult& r) {
  const auto& l = r.load;
  std::string out =
      row({label(r), fmt("%.0f", l.rate()), fmt("%.0f", l.percentile_us(50)),
          fmt("%.0f", l.percentile_us(90)), fmt("%.0f", l.percentile_us(99)),
          fmt("%.0f", l.cpu_us_per_handshake()),
          r.ceiling_per_s() > 0 ? fmt("%.0f", r.ceiling_per_s()) : "-",
          r.bound.per_s > 0 ? fmt("%.0f", r.bound.per_s) : "-", percent(r.fraction_of_ceiling()),
          percent(r.fraction_of_bound())});
  if (l.failed > 0) {
    out += "    " + std::to_string(l.failed) + " handshakes failed; first: " + l.first_error + "\n";
  }
  if (r.config.resume && l.ok > 0 && l.resumed < l.ok) {
    out += "    only " + std::to_string(l.resumed) + " of " + std::to_string(l.ok) +
           " handshakes resumed\n";
  }
  for (const auto& note : r.notes) out += "    " + note + "\n";
  return out;
}

std::string bench_summary(const std::vector<BenchResult>& results) {
  // Configurations keyed by everything but the one property a ratio compares.
  using Key = std::tuple<int, int, int, bool>;  // layer, key, tls, and mode or resume
  std::map<Key, const BenchResult*> by_mode, by_resume;
  for (const auto& r : results) {
    by_mode[{static_cast<int>(r.layer), static_cast<int>(r.config.key),
             static_cast<int>(r.config.tls) * 2 + (r.config.resume ? 1 : 0), r.config.mode == 2}] = &r;
    by_resume[{static_cast<int>(r.layer), static_cast<int>(r.config.key),
               static_cast<int>(r.config.tls) * 4 + r.config.mode, r.config.resume}] = &r;
  }
  std::string out;
  auto ratio_line = [&](const BenchResult& a, const BenchResult& b, const char* what) {
    if (b.load.rate() <= 0) return;
    out += "  " + fmt("%.2f", a.load.rate() / b.load.rate()) + "x  " + what + "  (" +
           label(a) + ": " + fmt("%.0f", a.load.rate()) + "/s vs " + fmt("%.0f", b.load.rate()) +
           "/s)\n";
  };
  for (const auto& [k, r] : by_mode) {
    if (!std::get<3>(k)) continue;
    auto other = by_mode.find({std::get<0>(k), std::get<1>(k), std::get<2>(k), false});
    if (other != by_mode.end()) ratio_line(*r, *other->second, "mode 2 / mode 1");
  }
  for (const auto& [k, r] : by_resume) {
    if (!std::get<3>(k)) continue;
    auto other = by_resume.find({std::get<0>(k), std::get<1>(k), std::get<2>(k), false});
    if (other != by_resume.end()) ratio_line(*r, *other->second, "resumed / full");
  }
  if (!out.empty()) out = "ratios (handshakes/s):\n" + out;
  return out;
}

}  // namespace tlsmatrix::reports
