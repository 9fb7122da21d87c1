#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/bench/bench_report.h"
#include "reports/common/markup_escape.h"

namespace tlsmatrix::reports {

namespace {

std::string num(double v, const char* format = "%.0f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Tick step giving about seven ticks up to `max` (1, 2 or 5 times a power of ten).
double nice_step(double max) {
  if (max <= 0) return 1;
  double raw = max / 7;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

std::string label(const BenchResult& r) {
  return std::string(handshake::to_string(r.layer)) + " · mode " + std::to_string(r.config.mode) +
         " · " + std::string(certs::to_string(r.config.key)) + " · TLS " +
         std::string(handshake::to_string(r.config.tls)) + (r.config.resume ? " · resumed" : " · full");
}

const char* mode_color(int mode) { return mode == 2 ? "#c2410c" : "#1d4ed8"; }

constexpr int kLabelW = 270;   // left column for configuration names
constexpr int kPlotW = 560;    // the scaled area
constexpr int kNoteW = 290;    // values to the right of each row
constexpr int kRowH = 34;
constexpr int kTop = 58;       // room for the title, legend and axis labels
constexpr int kWidth = kLabelW + kPlotW + kNoteW;

// Vertical grid lines and their labels for a linear axis 0..max.
std::string axis(double max, int height, const char* unit) {
  std::string s;
  double step = nice_step(max);
  for (double v = 0; v <= max + step * 1e-9; v += step) {
    double x = kLabelW + v / max * kPlotW;
    s += "<line x1='" + num(x, "%.1f") + "' y1='" + std::to_string(kTop - 6) + "' x2='" +
         num(x, "%.1f") + "' y2='" + std::to_string(kTop + height) + "' class='grid'/>";
    s += "<text x='" + num(x, "%.1f") + "' y='" + std::to_string(kTop - 10) +
         "' class='tick'>" + num(v) + "</text>";
  }
  s += "<text x='" + std::to_string(kLabelW + kPlotW) + "' y='" + std::to_string(kTop + height + 16) +
       "' class='unit'>" + unit + "</text>";
  return s;
}

std::string rate_chart(const std::vector<BenchResult>& results) {
  double max = 1;
  for (const auto& r : results) {
    max = std::max({max, r.load.rate(), r.ceiling_per_s(), r.bound.per_s});
  }
  max = std::ceil(max * 1.04 / nice_step(max * 1.04)) * nice_step(max * 1.04);
  int height = static_cast<int>(results.size()) * kRowH;
  auto x_of = [&](double v) { return kLabelW + v / max * kPlotW; };
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(kWidth) +
                  "' height='" + std::to_string(kTop + height + 28) + "' role='img'>";
  // Legend.
  s += "<g class='legend'>"
       "<rect x='" + std::to_string(kLabelW) + "' y='6' width='26' height='12' class='bound'/>"
       "<text x='" + std::to_string(kLabelW + 32) + "' y='16'>crypto bound</text>"
       "<line x1='" + std::to_string(kLabelW + 140) + "' y1='4' x2='" + std::to_string(kLabelW + 140) +
       "' y2='20' class='ceiling'/>"
       "<text x='" + std::to_string(kLabelW + 148) + "' y='16'>library ceiling (in memory)</text>"
       "<rect x='" + std::to_string(kLabelW + 330) + "' y='8' width='26' height='8' fill='" +
       mode_color(1) + "'/><text x='" + std::to_string(kLabelW + 362) + "' y='16'>measured, mode 1</text>"
       "<rect x='" + std::to_string(kLabelW + 500) + "' y='8' width='26' height='8' fill='" +
       mode_color(2) + "'/><text x='" + std::to_string(kLabelW + 532) +
       "' y='16'>mode 2</text></g>";
  s += axis(max, height, "handshakes per second");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    int y = kTop + static_cast<int>(i) * kRowH;
    int mid = y + kRowH / 2;
    std::string title = escape_xml_text(label(r));
    s += "<g><title>" + title + ": " + num(r.load.rate()) + " handshakes/s, ceiling " +
         num(r.ceiling_per_s()) + "/s, bound " + num(r.bound.per_s) + "/s</title>";
    s += "<text x='" + std::to_string(kLabelW - 10) + "' y='" + std::to_string(mid + 4) +
         "' class='label'>" + title + "</text>";
    if (r.bound.per_s > 0) {
      s += "<rect x='" + std::to_string(kLabelW) + "' y='" + std::to_string(y + 5) + "' width='" +
           num(x_of(r.bound.per_s) - kLabelW, "%.1f") + "' height='" + std::to_string(kRowH - 10) +
           "' class='bound'/>";
    }
    s += "<rect x='" + std::to_string(kLabelW) + "' y='" + std::to_string(mid - 5) + "' width='" +
         num(x_of(r.load.rate()) - kLabelW, "%.1f") + "' height='10' fill='" +
         mode_color(r.config.mode) + "'" + (r.config.resume ? " fill-opacity='0.6'" : "") + "/>";
    if (r.ceiling_per_s() > 0) {
      std::string cx = num(x_of(r.ceiling_per_s()), "%.1f");
      s += "<line x1='" + cx + "' y1='" + std::to_string(y + 3) + "' x2='" + cx + "' y2='" +
           std::to_string(y + kRowH - 3) + "' class='ceiling'/>";
    }
    std::string note = num(r.load.rate()) + "/s";
    if (r.ceiling_per_s() > 0) note += " · " + num(r.fraction_of_ceiling() * 100) + "% of ceiling";
    if (r.bound.per_s > 0) note += " · " + num(r.fraction_of_bound() * 100) + "% of bound";
    s += "<text x='" + std::to_string(kLabelW + kPlotW + 12) + "' y='" + std::to_string(mid + 4) +
         "' class='note'>" + note + "</text></g>";
  }
  return s + "</svg>";
}

std::string latency_chart(const std::vector<BenchResult>& results) {
  double max = 1;
  for (const auto& r : results) max = std::max(max, r.load.percentile_us(99));
  max = std::ceil(max * 1.04 / nice_step(max * 1.04)) * nice_step(max * 1.04);
  int height = static_cast<int>(results.size()) * kRowH;
  auto x_of = [&](double v) { return kLabelW + v / max * kPlotW; };
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(kWidth) +
                  "' height='" + std::to_string(kTop + height + 28) + "' role='img'>";
  int lx = kLabelW;
  s += "<g class='legend'><circle cx='" + std::to_string(lx + 6) + "' cy='12' r='5' class='p50'/>"
       "<text x='" + std::to_string(lx + 16) + "' y='16'>p50</text>"
       "<rect x='" + std::to_string(lx + 60) + "' y='7' width='9' height='9' class='p90' transform='rotate(45 " +
       std::to_string(lx + 64) + " 12)'/><text x='" + std::to_string(lx + 76) + "' y='16'>p90</text>"
       "<circle cx='" + std::to_string(lx + 126) + "' cy='12' r='5' class='p99'/>"
       "<text x='" + std::to_string(lx + 136) + "' y='16'>p99</text></g>";
  s += axis(max, height, "microseconds per handshake (client's view)");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    int mid = kTop + static_cast<int>(i) * kRowH + kRowH / 2;
    double p50 = r.load.percentile_us(50), p90 = r.load.percentile_us(90), p99 = r.load.percentile_us(99);
    std::string title = escape_xml_text(label(r));
    std::string m = std::to_string(mid);
    s += "<g><title>" + title + ": p50 " + num(p50) + " µs, p90 " + num(p90) + " µs, p99 " +
         num(p99) + " µs</title>";
    s += "<text x='" + std::to_string(kLabelW - 10) + "' y='" + std::to_string(mid + 4) +
         "' class='label'>" + title + "</text>";
    s += "<line x1='" + num(x_of(p50), "%.1f") + "' y1='" + m + "' x2='" + num(x_of(p99), "%.1f") +
         "' y2='" + m + "' stroke='" + mode_color(r.config.mode) + "' stroke-width='2'/>";
    s += "<circle cx='" + num(x_of(p50), "%.1f") + "' cy='" + m + "' r='5' class='p50' fill='" +
         mode_color(r.config.mode) + "'/>";
    s += "<rect x='" + num(x_of(p90) - 4.5, "%.1f") + "' y='" + std::to_string(mid - 4) +
         "' width='9' height='9' class='p90' transform='rotate(45 " + num(x_of(p90), "%.1f") + " " +
         m + ")'/>";
    s += "<circle cx='" + num(x_of(p99), "%.1f") + "' cy='" + m + "' r='5' class='p99'/>";
    s += "<text x='" + std::to_string(kLabelW + kPlotW + 12) + "' y='" + std::to_string(mid + 4) +
         "' class='note'>" + num(p50) + " / " + num(p90) + " / " + num(p99) + " µs</text></g>";
  }
  return s + "</svg>";
}

}  // namespace

std::string bench_html(const std::vector<BenchResult>& results, const BenchRunInfo& info) {
  auto p = [](const std::string& cls, const std::string& text) {
    return "<p class='" + cls + "'>" + escape_xml_text(text) + "</p>\n";
  };
  std::string h =
      "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
      "<title>tlsmatrix bench</title><style>"
      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:28px;color:#1f2937}"
      "h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px}"
      ".sub,.foot,.line{color:#4b5563;font-size:13px;margin:4px 0}.foot{max-width:1050px;line-height:1.5}"
      ".warn,.fail{font-size:13px;padding:6px 10px;margin:8px 0;max-width:1100px;border-radius:4px}"
      ".warn{background:#fef3c7;border-left:4px solid #d97706}.fail{background:#fee2e2;border-left:4px solid #b91c1c}"
      "table{border-collapse:collapse;font-size:13px}th,td{padding:3px 10px;text-align:right}"
      "th:first-child,td:first-child{text-align:left}th{border-bottom:1px solid #9ca3af;font-weight:600}"
      "td.notes{text-align:left;color:#4b5563;padding:0 10px 6px 28px;font-size:12px}"
      "td.notes div{margin:1px 0}td.notes div.sub-note{padding-left:18px}.ratios{font-size:13px;font-family:ui-monospace,monospace;margin:2px 0}"
      "svg text{font-size:12px;fill:#374151}.label{text-anchor:end}.tick{text-anchor:middle;fill:#6b7280;font-size:11px}"
      ".unit{text-anchor:end;fill:#6b7280;font-size:11px}.note{fill:#111827}"
      ".grid{stroke:#e5e7eb}.bound{fill:#e0e7ef}.ceiling{stroke:#111827;stroke-width:2.5}"
      ".p50{stroke:#fff;stroke-width:1}.p90{fill:#6b7280}.p99{fill:#fff;stroke:#111827;stroke-width:1.5}"
      "</style></head><body>\n";
  h += "<h1>TLS handshake throughput</h1>\n";
  h += p("sub", bench_heading(info) + " · started " + info.started);
  // What the terminal puts at the end stands at the top here, where a reader starts.
  if (std::string w = bench_load_warning(info); !w.empty()) h += p("warn", w);
  if (!info.stopped.empty()) h += p("fail", "stopped: " + info.stopped);
  for (const auto& line : info.lines) h += p("line", line);
  for (const auto& f : info.failures) h += p("fail", f);
  if (!results.empty()) {
    h += "<h2>Handshakes per second, against the library ceiling and the crypto bound</h2>\n";
    h += rate_chart(results) + "\n";
    // Under the chart whose percentages they explain.
    for (const auto& line : bench_footnotes(results)) h += p("foot", line);
    h += "<h2>Latency percentiles</h2>\n" + latency_chart(results) + "\n";
    h += "<h2>Results</h2>\n<table><tr>";
    for (const auto& c : bench_table_columns()) h += "<th>" + escape_xml_text(c) + "</th>";
    h += "</tr>\n";
    const std::size_t columns = bench_table_columns().size();
    for (const auto& r : results) {
      h += "<tr>";
      for (const auto& c : bench_table_cells(r)) h += "<td>" + escape_xml_text(c) + "</td>";
      h += "</tr>\n";
      std::vector<std::string> notes = bench_row_notes(r);
      if (notes.empty()) continue;
      h += "<tr><td class='notes' colspan='" + std::to_string(columns) + "'>";
      for (const auto& n : notes) {
        // A list under a note (reasons by count) keeps its indent.
        h += n.rfind("  ", 0) == 0 ? "<div class='sub-note'>" : "<div>";
        h += escape_xml_text(n) + "</div>";
      }
      h += "</td></tr>\n";
    }
    h += "</table>\n";
  }
  if (std::vector<std::string> ratios = bench_ratio_lines(results); !ratios.empty()) {
    h += "<h2>Ratios (handshakes/s)</h2>\n";
    for (const auto& line : ratios) h += p("ratios", line);
  }
  h += "<p class='foot' style='margin-top:16px'>The <b>library ceiling</b> is the same OpenSSL doing the same handshakes "
       "client-to-server in memory over a BIO pair, one worker per core: no sockets, no gRPC. The "
       "<b>crypto bound</b> is what the cores could do if they did nothing but the configuration's "
       "signatures, certificate and signature verifications, X25519 key exchanges and key "
       "derivations, each timed alone with OpenSSL. Both were measured in the same run as the "
       "rates. CPU µs/hs is the CPU time of every process of the run (clients and, in process, "
       "the server) per completed handshake.</p>\n</body></html>\n";
  return h;
}

}  // namespace tlsmatrix::reports
