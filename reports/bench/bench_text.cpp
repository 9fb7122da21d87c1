#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "reports/bench/bench_report.h"
#include "reports/common/text_util.h"

namespace tlsmatrix::reports {

namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
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

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// How many reasons a row lists before "and N more".
constexpr std::size_t kReasonsShown = 5;

}  // namespace

std::string bench_label(const BenchResult& r) {
  return std::string(handshake::to_string(r.layer)) + " " + handshake::describe(r.config);
}

std::string bench_heading(const BenchRunInfo& info) {
  return "tlsmatrix bench: layer " + info.layer + ", server " + info.target + ", " +
         std::to_string(info.concurrency) + " concurrent clients, " + std::to_string(info.processes) +
         " process" + (info.processes == 1 ? "" : "es") + " (" +
         (info.processes_given ? "--processes" : "default: one per 4 cores") + "), " +
         std::to_string(info.cores) + " cores, " + fmt("%g", info.duration_s) +
         " s per configuration and per ceiling, " +
         plural(static_cast<std::uint64_t>(info.configurations), "configuration", "configurations");
}

std::vector<std::string> bench_table_columns() {
  return {"configuration", "hs/s", "p50 µs", "p90 µs", "p99 µs", "CPU µs/hs",
          "ceiling/s", "bound/s", "of ceil", "of bound"};
}

std::vector<std::string> bench_table_cells(const BenchResult& r) {
  const auto& l = r.load;
  const bool any = l.ok > 0;
  return {bench_label(r),
          fmt("%.0f", l.rate()),
          any ? fmt("%.0f", l.percentile_us(50)) : "-",
          any ? fmt("%.0f", l.percentile_us(90)) : "-",
          any ? fmt("%.0f", l.percentile_us(99)) : "-",
          any ? fmt("%.0f", l.cpu_us_per_handshake()) : "-",
          r.ceiling_per_s() > 0 ? fmt("%.0f", r.ceiling_per_s()) : "-",
          r.bound.per_s > 0 ? fmt("%.0f", r.bound.per_s) : "-",
          percent(r.fraction_of_ceiling()),
          percent(r.fraction_of_bound())};
}

std::vector<std::string> bench_row_notes(const BenchResult& r) {
  const auto& l = r.load;
  std::vector<std::string> out;
  if (l.target_lost) {
    std::string lost = "the target went away: " + plural(l.unreachable, "connect", "connects") +
                       " failed after " + plural(l.ok, "handshake", "handshakes") + "; " +
                       (l.stopped_early ? "the run stopped early" : "it was still gone when the run ended");
    out.push_back(lost);
  }
  if (l.failed > 0 && l.errors.size() <= 1) {
    out.push_back(plural(l.failed, "handshake", "handshakes") + " failed or refused, all for one reason: " +
                  l.first_error);
  } else if (l.failed > 0) {
    out.push_back(plural(l.failed, "handshake", "handshakes") + " failed or refused; first error: " +
                  l.first_error);
    out.push_back("most common first:");
    for (std::size_t i = 0; i < l.errors.size() && i < kReasonsShown; ++i) {
      out.push_back("  " + std::to_string(l.errors[i].count) + "x " + l.errors[i].reason);
    }
    if (l.errors.size() > kReasonsShown) {
      out.push_back("  and " + std::to_string(l.errors.size() - kReasonsShown) + " more reasons");
    }
  }
  if (l.cut_off > 0) {
    out.push_back(plural(l.cut_off, "handshake was", "handshakes were") +
                  " still in progress when the run ended, cut off at --duration + 1 s (not counted)");
  }
  if (l.ok == 0 && l.failed == 0 && l.cut_off == 0) out.push_back("no handshake was attempted");
  if (r.config.resume && l.ok > 0 && l.resumed < l.ok) {
    out.push_back("only " + std::to_string(l.resumed) + " of " + std::to_string(l.ok) +
                  " handshakes resumed");
  }
  if (r.target_facts && r.target_facts->cert_requested && !r.target_facts->cert_sent) {
    out.push_back(l.ok > 0       ? "the target asked for a client certificate but let this client in "
                                   "without one: not safe as mode 2"
                  : l.failed > 0 ? "the target asks for a client certificate: pass --client-pem and --client-key"
                                 : "the target asked for a client certificate; none was sent");
  }
  for (const auto& note : r.notes) out.push_back(note);
  return out;
}

std::vector<std::string> bench_ratio_lines(const std::vector<BenchResult>& results) {
  // Configurations keyed by everything but the one property a ratio compares.
  using Key = std::tuple<int, int, int, bool>;  // layer, key, tls, and mode or resume
  std::map<Key, const BenchResult*> by_mode, by_resume;
  for (const auto& r : results) {
    by_mode[{static_cast<int>(r.layer), static_cast<int>(r.config.key),
             static_cast<int>(r.config.tls) * 2 + (r.config.resume ? 1 : 0), r.config.mode == 2}] = &r;
    by_resume[{static_cast<int>(r.layer), static_cast<int>(r.config.key),
               static_cast<int>(r.config.tls) * 4 + r.config.mode, r.config.resume}] = &r;
  }
  std::vector<std::string> out;
  auto ratio_line = [&](const BenchResult& a, const BenchResult& b, const char* what) {
    if (b.load.rate() <= 0 || a.load.rate() <= 0) return;
    out.push_back(fmt("%.2f", a.load.rate() / b.load.rate()) + "x " + what + " (" +
                  bench_label(a) + ": " + fmt("%.0f", a.load.rate()) + "/s vs " +
                  fmt("%.0f", b.load.rate()) + "/s)");
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
  return out;
}

std::string bench_load_warning(const BenchRunInfo& info) {
  // Only the load before the run: during it, our own threads raise the average.
  if (info.load_before <= 0.5 * info.cores) return {};
  // Under contention the scheduler gives a run with more threads (clients and server) a larger
  // share of the CPU than the ceiling's one worker per core: rates stop comparing.
  return "warning: load average " + fmt("%.1f", info.load_before) + " before the run on " +
         std::to_string(info.cores) + " cores: other processes compete for the CPU, so rates "
         "and fractions are unreliable; compare CPU µs/hs, or rerun on a quiet machine";
}

std::vector<std::string> bench_footnotes(const std::vector<BenchResult>& results) {
  std::vector<std::string> out;
  if (results.empty()) return out;
  out.push_back(
      "ceiling: the same handshakes in memory (no sockets), one worker per core; bound: the "
      "configuration's public-key operations and key derivations alone, times the cores");
  bool above = false, external = false;
  for (const auto& r : results) {
    if (r.fraction_of_ceiling() > 1) {
      above = true;
      external = external || r.target != "in-process";
    }
  }
  if (above && external) {
    out.push_back("above 100% of the ceiling: the target does the server's half of each handshake "
                  "on its own CPU, the ceiling does both halves on this machine's cores");
  } else if (above) {
    out.push_back("above 100% of the ceiling: the run's threads (clients and server) got more CPU "
                  "than the ceiling's one worker per core did, which happens when other processes "
                  "compete for the CPU; rerun on a quiet machine");
  }
  return out;
}

namespace {

// Console lines stay within kWidth columns (an 80-column CI log); continuation lines are
// indented two more than the first.
constexpr std::size_t kWidth = 80;

void add_wrapped(std::string& out, const std::string& text, std::string indent) {
  // A note's own leading spaces (a list under a note) belong to the indent.
  std::size_t lead = text.find_first_not_of(' ');
  if (lead == std::string::npos) return;
  indent += text.substr(0, lead);
  std::vector<std::string> lines = wrap_words(text.substr(lead), kWidth - indent.size() - 2);
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? indent : indent + "  ") + lines[i] + "\n";
}

}  // namespace

std::string bench_console_head(const BenchRunInfo& info) {
  std::string out;
  add_wrapped(out, bench_heading(info), "");
  for (const auto& line : info.lines) add_wrapped(out, line, "  ");
  // No table for a run in which nothing could be measured.
  return out + "\n" + (info.configurations > 0 ? bench_table_header() : "");
}

std::string bench_table_header() {
  std::string head = row(bench_table_columns());
  return head + std::string(display_width(head) - 1, '-') + "\n";
}

std::string bench_table_row(const BenchResult& r) {
  std::string out = row(bench_table_cells(r));
  for (const auto& note : bench_row_notes(r)) add_wrapped(out, note, "    ");
  return out;
}

std::string bench_failure_line(const std::string& failure) {
  std::string out;
  add_wrapped(out, failure, "");
  return out;
}

std::string bench_console_tail(const std::vector<BenchResult>& results, const BenchRunInfo& info) {
  std::string out;
  if (!info.stopped.empty()) {
    out += "\n";
    add_wrapped(out, "stopped: " + info.stopped, "");
  }
  std::vector<std::string> ratios = bench_ratio_lines(results);
  if (!ratios.empty()) {
    out += "\nratios (handshakes/s):\n";
    for (const auto& line : ratios) add_wrapped(out, line, "  ");
  }
  out += "\n";
  for (const auto& line : bench_footnotes(results)) add_wrapped(out, line, "");
  if (std::string w = bench_load_warning(info); !w.empty()) add_wrapped(out, w, "");
  return out;
}

}  // namespace tlsmatrix::reports
