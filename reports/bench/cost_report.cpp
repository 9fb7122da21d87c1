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
