#include "reports/bench/cost_report.h"

#include "reports/common/text_util.h"

namespace tlsmatrix::reports {

std::string cost_lines(const handshake::CostComparison& c, const std::string& whose,
                       const std::string& indent) {
  const std::string head = indent + "cost: ";
  const std::size_t width = 80 - head.size();
  std::string out;
  bool first = true;
  for (const auto& line : wrap_words(handshake::cost_text(c, whose), width)) {
    out += (first ? head : std::string(head.size(), ' ')) + line + "\n";
    first = false;
  }
  return out;
}

std::string cost_table(const std::vector<handshake::NamedCost>& costs) {
  std::string out =
      "Handshake cost: CPU per handshake with each scenario's files (TLS 1.3, both\n"
      "ends, in memory), and against an ECDSA P-256 set; modes whose grpc-core cell\n"
      "passed:\n";
  if (costs.empty()) return out + "  (no scenario passed in mode 1 or 2)\n";
  out += "  " + pad_to_width("scenario", 36) + "  mode  " + pad_to_width("key", 10) + "  " +
         pad_to_width("CPU/hs", 9) + "  vs P-256\n";
  for (const auto& n : costs) {
    const auto& c = n.cost;
    std::string line = "  " + pad_to_width(truncate_to_width(one_line(n.name), 36), 36) + "  " +
                       std::to_string(c.mode) + "     " + pad_to_width(truncate_to_width(c.files_key, 10), 10) + "  ";
    if (!c.files.measured) {
      line += "not measured: " + one_line(c.files.not_measured);
    } else {
      line += pad_to_width(handshake::cpu_text(c.files.cpu_us), 9) + "  ";
      line += c.ratio ? format_fixed(*c.ratio, 1) + "x" : "P-256 not measured";
    }
    out += truncate_to_width(line, 80) + "\n";
  }
  return out;
}

namespace {

void write_figure(JsonWriter& w, const handshake::HandshakeCost& f) {
  w.begin_object().member("measured", f.measured);
  if (f.measured) {
    w.member("cpu_us_per_handshake", f.cpu_us)
        .member("handshakes_per_s_per_core", f.per_s_per_core())
        .member("handshakes", f.handshakes)
        .key("not_measured")
        .null();
  } else {
    w.key("cpu_us_per_handshake").null();
    w.key("handshakes_per_s_per_core").null();
    w.key("handshakes").null();
    w.member("not_measured", f.not_measured);
  }
  w.end_object();
}

}  // namespace

void write_cost_json(JsonWriter& w, const handshake::CostComparison& c) {
  w.begin_object().member("mode", c.mode).member("key", c.files_key).member("tls", "1.3");
  w.key("files");
  write_figure(w, c.files);
  w.key("p256");
  write_figure(w, c.p256);
  w.member("ratio", c.ratio);
  w.end_object();
}

}  // namespace tlsmatrix::reports
