#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/bench_report.h"
#include "reports/markup_escape.h"

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
         " · " + std::string(tlsmatrix::to_string(r.config.key)) + " · TLS " +
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
  std::string h =
      "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
      "<title>tlsmatrix bench</title><style>"
      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:28px;color:#1f2937}"
      "h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px}"
      ".sub,.foot{color:#4b5563;font-size:13px}.foot{max-width:1050px;line-height:1.5}"
      "svg text{font-size:12px;fill:#374151}.label{text-anchor:end}.tick{text-anchor:middle;fill:#6b7280;font-size:11px}"
      ".unit{text-anchor:end;fill:#6b7280;font-size:11px}.note{fill:#111827}"
      ".grid{stroke:#e5e7eb}.bound{fill:#e0e7ef}.ceiling{stroke:#111827;stroke-width:2.5}"
      ".p50{stroke:#fff;stroke-width:1}.p90{fill:#6b7280}.p99{fill:#fff;stroke:#111827;stroke-width:1.5}"
      "</style></head><body>\n";
  h += "<h1>TLS handshake throughput</h1>\n<p class='sub'>" +
       escape_xml_text("layer " + info.layer + " · server " + info.target + " · " +
                       std::to_string(info.concurrency) + " concurrent clients · " +
                       std::to_string(info.processes) + " process" +
                       (info.processes == 1 ? "" : "es") + " · " + std::to_string(info.cores) +
                       " cores · " + num(info.duration_s, "%.1f") + " s per configuration · " +
                       info.started) +
       "</p>\n";
  h += "<h2>Handshakes per second, against the library ceiling and the crypto bound</h2>\n";
  h += rate_chart(results) + "\n";
  h += "<h2>Latency percentiles</h2>\n" + latency_chart(results) + "\n";
  h += "<p class='foot'>The <b>library ceiling</b> is the same OpenSSL doing the same handshakes "
       "client-to-server in memory over a BIO pair, one worker per core: no sockets, no gRPC. The "
       "<b>crypto bound</b> is what the cores could do if they did nothing but the configuration's "
       "signatures, certificate and signature verifications, X25519 key exchanges and key "
       "derivations, each timed alone with OpenSSL. Both were measured in the same run as the "
       "rates.</p>\n</body></html>\n";
  return h;
}

}  // namespace tlsmatrix::reports
