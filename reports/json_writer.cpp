#include "reports/json_writer.h"

#include <cmath>

#include "reports/json_out.h"

namespace tlsmatrix::reports {

namespace {
void write_verdict(JsonWriter& w, const Verdict& v) {
  w.member("outcome", to_string(v.outcome)).member("reason", to_string(v.reason));
}
}  // namespace

std::string render_json_report(const RunResult& run) {
  JsonWriter w;
  w.begin_object();
  w.member("tool", run.tool).member("version", run.version).member("started", run.started);
  w.key("cells").begin_array();
  for (const auto& cell : run.cells) {
    w.begin_object();
    w.member("scenario", cell.scenario).member("file", cell.scenario_file);
    w.member("mode", cell.mode).member("profile", cell.profile).member("server", cell.server);
    w.key("expected").begin_object();
    write_verdict(w, cell.expected);
    w.end_object();
    w.key("actual").begin_object();
    write_verdict(w, cell.actual);
    w.member("detail", cell.detail);
    w.end_object();
    w.member("match", cell.match);
    // Microseconds are the finest figure worth reading; more digits are noise.
    w.member("duration_ms", std::round(cell.duration_ms * 1000) / 1000);
    w.end_object();
  }
  w.end_array();
  w.key("summary").begin_object();
  w.member("cells", run.cells.size()).member("matched", run.matched());
  w.member("mismatched", run.mismatched());
  // Of the mismatched, the cells the harness could not judge (reason harness_error).
  w.member("harness_errors", run.harness_errors());
  w.end_object();
  w.key("portability").begin_array();
  for (const auto& note : run.portability) {
    w.begin_object().member("scenario", note.scenario).member("mode", note.mode);
    w.member("text", note.text).end_object();
  }
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& note : run.notes) w.value(note);
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace tlsmatrix::reports
